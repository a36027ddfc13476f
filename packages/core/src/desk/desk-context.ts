import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DirectoryReader } from '../directory/directory-cache.js';
import type { EventBus } from '../events/event-bus.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Outbox } from '../notify/outbox-types.js';
import type { Logger } from '../sdk/logger.js';
import type { Notifier } from '../sdk/notifier.js';
import type { SlaPolicy } from '../sdk/sla-policy.js';
import type { StorageGateway } from '../storage/storage-gateway.js';
import type { TicketNumberer } from '../tickets/ticket-numbers.js';
import type { Clock } from '../time/clock.js';
import type { DeskSettings, NotificationLinks } from './help-desk-options.js';
import type { HookRegistry } from './hooks.js';

/** What the services of one desk share. Internal: hosts see `HelpDesk`. */
export interface DeskContext {
  /** The storage adapter, wrapped. */
  storage: StorageGateway;
  /** Directory reads for commands, briefly cached. */
  directory: DirectoryReader;
  /** The lifecycle statechart with the desk's settings. */
  lifecycle: Lifecycle;
  /** Where the time comes from. */
  clock: Clock;
  /** The typed event bus. */
  bus: EventBus;
  /** Where contained failures go. */
  logger: Logger;
  /** Plugin hooks. */
  hooks: HookRegistry;
  /** Checked options. */
  settings: DeskSettings;
  /** The host's custom-field schema, if any. */
  fields: StandardSchemaV1 | undefined;
  /** Ticket number candidates. */
  numbers: TicketNumberer;
  /** Where notifications go. */
  notifiers: readonly Notifier[];
  /** The SLA policy. */
  sla: SlaPolicy;
  /** The host's links for notifications and canned responses (`{{link}}`). */
  links: NotificationLinks;
  /** Sends the notifications of committed changes. */
  outbox: Outbox;
}
