export type { CannedResponsesApi, RenderCannedResponseOptions } from '../tickets/canned-responses.js';
export type { ChangesApi } from './changes-api.js';
export { createHelpDesk } from './create-help-desk.js';
export type {
  DirectoryApi,
  HelpDesk,
  OpenOptions,
  OpenWithAccessTokenOptions,
  QueuesApi,
  TicketsApi,
} from './help-desk.js';
export type {
  CustomStatus,
  DeliveryOptions,
  DeskSettings,
  HelpDeskOptions,
  IntakeOptions,
  LifecycleOptions,
  LinkBuilder,
  LinkContext,
  NotificationLinks,
  NotificationSettings,
} from './help-desk-options.js';
