import type { StandardSchemaV1 } from '@standard-schema/spec';
import * as z from 'zod';
import { validationError } from '../errors/ticketkit-error.js';
import {
  type CompiledNotificationTemplate,
  compileNotificationTemplate,
  type NotificationTemplate,
} from '../notify/notification-templates.js';
import { ticketStatusSchema } from '../schemas/enums.js';
import { toValidationIssues } from '../schemas/parse.js';
import { durationSchema, LIMITS, recordIdSchema, singleLineText } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import type { Logger } from '../sdk/logger.js';
import { NOTIFICATION_TYPES, type NotificationType, type Notifier } from '../sdk/notifier.js';
import type { TicketkitPlugin } from '../sdk/plugin.js';
import type { SlaPolicy } from '../sdk/sla-policy.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import { type CustomFieldLimits, customFieldIds, DEFAULT_CUSTOM_FIELD_LIMITS } from '../tickets/custom-fields.js';
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
   * Remind a customer who has not answered for this long while the ticket
   * awaits them (once per wait, with a `ticket.awaiting_reminder`
   * notification); `null` never.
   * @default null
   */
  remindAfter?: Duration | null;
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

/** A notification type's switch and wording. */
export interface NotificationSettings extends Partial<NotificationTemplate> {
  /**
   * Whether the desk sends it.
   * @default true
   */
  enabled?: boolean;
}

/** What a {@link LinkBuilder} gets besides the ticket. */
export interface LinkContext {
  /**
   * The customer's access token for this ticket, to put in the link as it
   * is (base64url: safe in a path, a query or a fragment). Given to the
   * customer link of notifications when the desk has `links.accessToken`;
   * `null` otherwise, and always `null` for agent links and canned
   * responses (a reply is stored in the thread, a token never is).
   */
  accessToken: string | null;
}

/** Builds the `{{link}}` of a notification; `null` when there is none for this ticket. */
export type LinkBuilder = (ticket: Ticket, context: LinkContext) => string | null | Promise<string | null>;

/** The links notifications carry. */
export interface NotificationLinks {
  /** The customer's link to their request (notifications to the requester, canned responses). */
  customer?: LinkBuilder;
  /** An agent's link to the ticket in the console (alerts to staff). */
  agent?: LinkBuilder;
  /**
   * Derives the customer's access token of a ticket from its id, for the
   * customer link: `hmacAccessToken(secret)` with the secret the API's
   * `customerTokens.secret` also has, so the link carries the very token
   * `POST /tickets` issued. The token is derived when the notification is
   * handed to its notifier — in whichever process sends it, on every retry —
   * and is never stored: delivery rows and the delivery log hold a
   * placeholder in its place, and notifiers with `perRecipient: false`
   * (webhooks) never get it.
   */
  accessToken?: (ticketId: string) => string | Promise<string>;
}

/** How the outbox delivers notifications. */
export interface DeliveryOptions {
  /**
   * Attempts per notification before it goes to the dead letter (status `dead`).
   * @default 8
   */
  maxAttempts?: number;
  /**
   * The wait before the first retry; each later retry waits twice as long (with jitter).
   * @default '30s'
   */
  retryAfter?: Duration;
  /**
   * The longest wait between retries.
   * @default '1h'
   */
  maxRetryDelay?: Duration;
  /**
   * How long a notifier may take for one attempt before it counts as failed
   * (its `signal` is aborted).
   * @default '30s'
   */
  timeout?: Duration;
  /**
   * Notifications sent at once by one desk.
   * @default 4
   */
  concurrency?: number;
  /**
   * Send each change's notifications right after it commits. `false` leaves
   * them to the scheduler's sweeps: for web processes that only commit while
   * one worker process (running `desk.scheduler.start()`) sends for all.
   * @default true
   */
  sendAfterCommit?: boolean;
}

/** How tickets arrive. */
export interface IntakeOptions {
  /** The department of tickets opened without a `departmentId`. It must exist when such a ticket is opened. */
  defaultDepartmentId?: string;
  /**
   * How long an `idempotencyKey` is remembered: a retry within it returns the
   * first ticket; after it, the key opens a new one.
   * @default '24h'
   */
  idempotencyKeyTtl?: Duration;
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
   * The SLA policy: due times and SLA states from each ticket's plan,
   * calendar and history. Plans are upserted with `desk.slaPlans.upsert` (or
   * brought by the policy).
   * @default defaultSlaPolicy()
   */
  sla?: SlaPolicy;
  /**
   * Switch notification types on or off, like osTicket's alerts and notices,
   * or reword them: `{ 'ticket.auto_response': false }`,
   * `{ 'ticket.reply_notice': { subject: 'Re: {{ticket.subject}}' } }`.
   * Templates are checked when the desk is created.
   * @default every type on, with the wording of `DEFAULT_NOTIFICATION_TEMPLATES`
   */
  notifications?: Partial<Record<NotificationType, boolean | NotificationSettings>>;
  /**
   * Links that notifications and canned responses carry as `{{link}}`: where
   * a customer follows their request (with their access token, from the
   * server package), where an agent opens the ticket. Without them, `{{link}}`
   * renders its fallback.
   */
  links?: NotificationLinks;
  /** How notifications are delivered: retries, backoff, timeouts. */
  delivery?: DeliveryOptions;
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
   * Bounds on custom `fields`, with or without a schema, checked on open and
   * update before anything is written: an anonymous form cannot store a
   * megabyte per ticket. Beyond them, `VALIDATION_FAILED` names `fields`.
   * @default { maxBytes: 16384, maxKeys: 64, maxDepth: 4, maxStringLength: 2000 }
   */
  fieldLimits?: CustomFieldLimits;
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
  /** `remindAfter` in milliseconds, or `null`. */
  remindAfterMs: number | null;
  /** `reopenWindow` in milliseconds. */
  reopenWindowMs: number;
  /** Custom statuses by id. */
  customStatuses: ReadonlyMap<string, CustomStatus>;
  /** See {@link IntakeOptions.defaultDepartmentId}. */
  defaultDepartmentId: string | null;
  /** See {@link IntakeOptions.idempotencyKeyTtl}, in milliseconds. */
  idempotencyKeyTtlMs: number;
  /** See {@link HelpDeskOptions.concurrency}. */
  maxAttempts: number;
  /** Which notification types are off (`false`); see {@link HelpDeskOptions.notifications}. */
  notifications: Partial<Record<NotificationType, boolean>>;
  /** Every notification type's wording, parsed. */
  notificationTemplates: Readonly<Record<NotificationType, CompiledNotificationTemplate>>;
  /** See {@link DeliveryOptions}, in milliseconds. */
  delivery: {
    maxAttempts: number;
    retryAfterMs: number;
    maxRetryDelayMs: number;
    timeoutMs: number;
    concurrency: number;
    sendAfterCommit: boolean;
  };
  /** See {@link HelpDeskOptions.directoryCacheTtl}, in milliseconds. */
  directoryCacheTtlMs: number;
  /** See {@link HelpDeskOptions.fieldLimits}. */
  fieldLimits: Required<CustomFieldLimits>;
}

const settingsSchema = z.object({
  lifecycle: z
    .strictObject({
      requireConfirmation: z.boolean().default(true),
      autoCloseAfter: durationSchema.nullable().default('7d'),
      remindAfter: durationSchema.nullable().default(null),
      reopenWindow: durationSchema.default('30d'),
      customStatuses: z
        .array(z.strictObject({ id: recordIdSchema, name: singleLineText(), status: ticketStatusSchema }))
        .max(100)
        .refine((list) => new Set(list.map((status) => status.id)).size === list.length, {
          message: 'must not define the same id twice',
        })
        .default([]),
    })
    .default({
      requireConfirmation: true,
      autoCloseAfter: '7d',
      remindAfter: null,
      reopenWindow: '30d',
      customStatuses: [],
    }),
  intake: z
    .strictObject({ defaultDepartmentId: recordIdSchema.optional(), idempotencyKeyTtl: durationSchema.default('24h') })
    .default({ idempotencyKeyTtl: '24h' }),
  directoryCacheTtl: durationSchema.default('1s'),
  notifications: z
    .strictObject(
      Object.fromEntries(
        NOTIFICATION_TYPES.map((type) => [
          type,
          z
            .union([
              z.boolean(),
              z.strictObject({
                enabled: z.boolean().optional(),
                subject: z.string().max(LIMITS.shortText).optional(),
                text: z.string().max(LIMITS.body).optional(),
              }),
            ])
            .optional(),
        ]),
      ),
    )
    .default({}),
  delivery: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(100).default(8),
      retryAfter: durationSchema.default('30s'),
      maxRetryDelay: durationSchema.default('1h'),
      timeout: durationSchema.default('30s'),
      concurrency: z.number().int().min(1).max(64).default(4),
      sendAfterCommit: z.boolean().default(true),
    })
    .default({
      maxAttempts: 8,
      retryAfter: '30s',
      maxRetryDelay: '1h',
      timeout: '30s',
      concurrency: 4,
      sendAfterCommit: true,
    }),
  concurrency: z
    .strictObject({ maxAttempts: z.number().int().min(1).max(1_000).default(50) })
    .default({ maxAttempts: 50 }),
  fieldLimits: z
    .strictObject({
      maxBytes: z.number().int().min(2).max(16_777_216).default(DEFAULT_CUSTOM_FIELD_LIMITS.maxBytes),
      maxKeys: z.number().int().min(0).max(100_000).default(DEFAULT_CUSTOM_FIELD_LIMITS.maxKeys),
      maxDepth: z.number().int().min(1).max(32).default(DEFAULT_CUSTOM_FIELD_LIMITS.maxDepth),
      maxStringLength: z.number().int().min(1).max(16_777_216).default(DEFAULT_CUSTOM_FIELD_LIMITS.maxStringLength),
    })
    .default({ ...DEFAULT_CUSTOM_FIELD_LIMITS }),
});

/** Checks the plain-data options and applies defaults; throws `VALIDATION_FAILED` naming the option. */
export function resolveSettings(
  options: Pick<
    HelpDeskOptions,
    'lifecycle' | 'intake' | 'concurrency' | 'notifications' | 'directoryCacheTtl' | 'delivery' | 'fieldLimits'
  > & { fields?: StandardSchemaV1 },
): DeskSettings {
  const result = settingsSchema.safeParse({
    lifecycle: options.lifecycle,
    intake: options.intake,
    concurrency: options.concurrency,
    notifications: options.notifications,
    directoryCacheTtl: options.directoryCacheTtl,
    delivery: options.delivery,
    fieldLimits: options.fieldLimits,
  });
  if (!result.success) {
    throw validationError(toValidationIssues(result.error.issues), 'createHelpDesk options');
  }
  const { lifecycle, intake, concurrency, notifications, directoryCacheTtl, delivery, fieldLimits } = result.data;
  const fieldIds = customFieldIds(options.fields);
  const switches: Partial<Record<NotificationType, boolean>> = {};
  const templates = {} as Record<NotificationType, CompiledNotificationTemplate>;
  for (const type of NOTIFICATION_TYPES) {
    const setting = notifications[type];
    const enabled = typeof setting === 'boolean' ? setting : (setting?.enabled ?? true);
    if (!enabled) switches[type] = false;
    templates[type] = compileNotificationTemplate(type, typeof setting === 'object' ? setting : undefined, fieldIds);
  }
  const ms = (duration: string) => parseDuration(duration) ?? 0;
  return {
    requireConfirmation: lifecycle.requireConfirmation,
    autoCloseAfterMs: lifecycle.autoCloseAfter === null ? null : (parseDuration(lifecycle.autoCloseAfter) ?? null),
    remindAfterMs: lifecycle.remindAfter === null ? null : (parseDuration(lifecycle.remindAfter) ?? null),
    reopenWindowMs: parseDuration(lifecycle.reopenWindow) ?? 0,
    customStatuses: new Map(lifecycle.customStatuses.map((status) => [status.id, status])),
    defaultDepartmentId: intake.defaultDepartmentId ?? null,
    idempotencyKeyTtlMs: parseDuration(intake.idempotencyKeyTtl) ?? 0,
    maxAttempts: concurrency.maxAttempts,
    notifications: switches,
    notificationTemplates: templates,
    delivery: {
      maxAttempts: delivery.maxAttempts,
      retryAfterMs: ms(delivery.retryAfter),
      maxRetryDelayMs: ms(delivery.maxRetryDelay),
      timeoutMs: ms(delivery.timeout),
      concurrency: delivery.concurrency,
      sendAfterCommit: delivery.sendAfterCommit,
    },
    directoryCacheTtlMs: parseDuration(directoryCacheTtl) ?? 0,
    fieldLimits,
  };
}
