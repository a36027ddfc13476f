export { consoleLogger, type Logger } from './logger.js';
export {
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationType,
  type Notifier,
  type NotifierSendContext,
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
export type { SlaEvaluation, SlaEvaluationInput, SlaPolicy, SlaTargetEvaluation } from './sla-policy.js';
