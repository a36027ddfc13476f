export {
  type StandardWebhookData,
  type StandardWebhookNotifierOptions,
  type StandardWebhookPayload,
  standardWebhookNotifier,
} from './standard-webhook-notifier.js';
export {
  generateWebhookSecret,
  STANDARD_WEBHOOK_HEADERS,
  type StandardWebhookHeaders,
  type StandardWebhookMessage,
  signStandardWebhook,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
} from './standard-webhooks.js';
