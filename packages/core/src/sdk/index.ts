export { consoleLogger, type Logger } from './logger.js';
export {
  isPermanentDeliveryError,
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationType,
  type Notifier,
  type NotifierSendContext,
  PermanentDeliveryError,
} from './notifier.js';
export type {
  AfterHook,
  AfterHookContext,
  BeforeHook,
  BeforeHookContext,
  CommandInputs,
  CommandName,
  PluginContext,
  TicketkitPlugin,
} from './plugin.js';
export {
  ACTIVE_TARGET_STATES,
  type SlaEvaluation,
  type SlaEvaluationInput,
  type SlaPolicy,
  type SlaTargetEvaluation,
  type SlaTargetState,
} from './sla-policy.js';
