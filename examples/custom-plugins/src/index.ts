/**
 * Two plugins written the way a plugin author would write them: a notifier
 * that POSTs signed webhooks, and an SLA policy that picks plans by customer
 * tier.
 *
 * @packageDocumentation
 */
export { type TierPlan, type TierSlaPolicyOptions, tierSlaPolicy } from './tier-sla-policy.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  WEBHOOK_HEADERS,
  type WebhookNotifierOptions,
  webhookNotifier,
} from './webhook-notifier.js';
