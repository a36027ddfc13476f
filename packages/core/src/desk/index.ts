export { createHelpDesk } from './create-help-desk.js';
export type { DirectoryApi, HelpDesk, OpenOptions, QueuesApi, TicketsApi } from './help-desk.js';
export type {
  CustomStatus,
  DeskSettings,
  HelpDeskOptions,
  IntakeOptions,
  LifecycleOptions,
} from './help-desk-options.js';
