import type { StandardSchemaV1 } from '@standard-schema/spec';
import * as z from 'zod';
import { validationError } from '../errors/ticketkit-error.js';
import { ticketStatusSchema } from '../schemas/enums.js';
import { toValidationIssues } from '../schemas/parse.js';
import { durationSchema, recordIdSchema, singleLineText } from '../schemas/primitives.js';
import type { Logger } from '../sdk/logger.js';
import { NOTIFICATION_TYPES, type NotificationType, type Notifier } from '../sdk/notifier.js';
import type { TicketkitPlugin } from '../sdk/plugin.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { TicketNumberOptions } from '../tickets/ticket-numbers.js';
import type { Clock } from '../time/clock.js';
import { type Duration, parseDuration } from '../time/duration.js';

/** A host-defined status ("Escalated to L2") shown instead of a base status it maps onto. */
export interface CustomStatus {
  /** Id used in `update({ customStatus })`. */
  id: string;
  /** What people see. */
  name: string;
  /** The base status it belongs to; it can be set only while the ticket is in that status, and clears when the status changes. */
  status: 'open' | 'in_progress' | 'awaiting_customer' | 'resolved' | 'closed';
}

/** How tickets move through their lifecycle. */
export interface LifecycleOptions {
  /**
   * Close only after the customer confirms the resolution (or after
   * `autoCloseAfter`); an agent's `close` fails with `CONFIRMATION_REQUIRED`
   * unless an admin forces it.
   * @default true
   */
  requireConfirmation?: boolean;
  /**
   * Quiet period after which the scheduler closes a resolved ticket; `null` never.
   * @default '7d'
   */
  autoCloseAfter?: Duration | null;
  /**
   * How long after closing a customer's reply reopens the ticket; later it
   * opens a follow-up ticket linked to it.
   * @default '30d'
   */
  reopenWindow?: Duration;
  /**
   * Host-defined statuses mapped onto the base statuses, as osTicket has.
   * @default []
   */
  customStatuses?: CustomStatus[];
}

/** How tickets arrive. */
export interface IntakeOptions {
  /** The department of tickets opened without a `departmentId`. It must exist when such a ticket is opened. */
  defaultDepartmentId?: string;
}

/** Options of {@link createHelpDesk}. */
export interface HelpDeskOptions<TFields = Record<string, unknown>> {
  /** Where tickets live: `memoryStorage()`, `sqliteStorage()`, or your own adapter. */
  storage: StorageAdapter;
  /**
   * Where notifications go: email, chat, webhooks. Every change writes its
   * notifications to the transactional outbox for each notifier.
   * @default []
   */
  notifiers?: Notifier[];
  /**
   * Switch notification types on or off, like osTicket's alerts and notices.
   * @default every type on
   */
  notifications?: Partial<Record<NotificationType, boolean>>;
  /**
   * Plugins, set up in order.
   * @default []
   */
  plugins?: TicketkitPlugin[];
  /** Lifecycle rules. */
  lifecycle?: LifecycleOptions;
  /** Ticket number format. */
  ticketNumber?: TicketNumberOptions;
  /** Intake defaults. */
  intake?: IntakeOptions;
  /**
   * A schema for custom ticket fields (zod, valibot, arktype — any Standard
   * Schema). Ticket `fields` are checked with it on open and update, and
   * typed by its output.
   */
  fields?: StandardSchemaV1<Record<string, unknown>, TFields>;
  /**
   * Where the desk reads the time.
   * @default the system clock
   */
  clock?: Clock;
  /**
   * Where contained failures (listeners, after-hooks) are reported.
   * @default console
   */
  logger?: Logger;
  /**
   * How long commands may reuse a directory record (the acting agent, a
   * department, a plan) they read. Changes made through this desk apply at
   * once; changes made by another process within this time. `'0s'` reads
   * storage every time.
   * @default '1s'
   */
  directoryCacheTtl?: Duration;
  /** Optimistic-concurrency retries. */
  concurrency?: {
    /**
     * Attempts of a safe command (note, reply) that collides with a concurrent write, before `CONFLICT`.
     * @default 50
     */
    maxAttempts?: number;
  };
}

/** The options, checked and with defaults applied. */
export interface DeskSettings {
  /** See {@link LifecycleOptions.requireConfirmation}. */
  requireConfirmation: boolean;
  /** `autoCloseAfter` in milliseconds, or `null`. */
  autoCloseAfterMs: number | null;
  /** `reopenWindow` in milliseconds. */
  reopenWindowMs: number;
  /** Custom statuses by id. */
  customStatuses: ReadonlyMap<string, CustomStatus>;
  /** See {@link IntakeOptions.defaultDepartmentId}. */
  defaultDepartmentId: string | null;
  /** See {@link HelpDeskOptions.concurrency}. */
  maxAttempts: number;
  /** See {@link HelpDeskOptions.notifications}. */
  notifications: Partial<Record<NotificationType, boolean>>;
  /** See {@link HelpDeskOptions.directoryCacheTtl}, in milliseconds. */
  directoryCacheTtlMs: number;
}

const settingsSchema = z.object({
  lifecycle: z
    .strictObject({
      requireConfirmation: z.boolean().default(true),
      autoCloseAfter: durationSchema.nullable().default('7d'),
      reopenWindow: durationSchema.default('30d'),
      customStatuses: z
        .array(z.strictObject({ id: recordIdSchema, name: singleLineText(), status: ticketStatusSchema }))
        .max(100)
        .refine((list) => new Set(list.map((status) => status.id)).size === list.length, {
          message: 'must not define the same id twice',
        })
        .default([]),
    })
    .default({ requireConfirmation: true, autoCloseAfter: '7d', reopenWindow: '30d', customStatuses: [] }),
  intake: z.strictObject({ defaultDepartmentId: recordIdSchema.optional() }).default({}),
  directoryCacheTtl: durationSchema.default('1s'),
  notifications: z
    .strictObject(Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, z.boolean().optional()])))
    .default({}),
  concurrency: z
    .strictObject({ maxAttempts: z.number().int().min(1).max(1_000).default(50) })
    .default({ maxAttempts: 50 }),
});

/** Checks the plain-data options and applies defaults; throws `VALIDATION_FAILED` naming the option. */
export function resolveSettings(
  options: Pick<HelpDeskOptions, 'lifecycle' | 'intake' | 'concurrency' | 'notifications' | 'directoryCacheTtl'>,
): DeskSettings {
  const result = settingsSchema.safeParse({
    lifecycle: options.lifecycle,
    intake: options.intake,
    concurrency: options.concurrency,
    notifications: options.notifications,
    directoryCacheTtl: options.directoryCacheTtl,
  });
  if (!result.success) {
    throw validationError(toValidationIssues(result.error.issues), 'createHelpDesk options');
  }
  const { lifecycle, intake, concurrency, notifications, directoryCacheTtl } = result.data;
  return {
    requireConfirmation: lifecycle.requireConfirmation,
    autoCloseAfterMs: lifecycle.autoCloseAfter === null ? null : (parseDuration(lifecycle.autoCloseAfter) ?? null),
    reopenWindowMs: parseDuration(lifecycle.reopenWindow) ?? 0,
    customStatuses: new Map(lifecycle.customStatuses.map((status) => [status.id, status])),
    defaultDepartmentId: intake.defaultDepartmentId ?? null,
    maxAttempts: concurrency.maxAttempts,
    notifications: notifications as Partial<Record<NotificationType, boolean>>,
    directoryCacheTtlMs: parseDuration(directoryCacheTtl) ?? 0,
  };
}
