export type { DeliveriesApi, DeliveryListOptions } from './delivery-log.js';
export {
  DEFAULT_NOTIFICATION_TEMPLATES,
  NOTIFICATION_VARIABLES,
  type NotificationTemplate,
} from './notification-templates.js';
export type { OutboxReport } from './outbox.js';
