import * as z from 'zod';
import { actorSchema } from './actor.js';
import { prioritySchema, ticketSourceSchema } from './enums.js';
import {
  cursorSchema,
  emailSchema,
  jsonValueSchema,
  LIMITS,
  limitSchema,
  multilineText,
  recordIdSchema,
  singleLineText,
} from './primitives.js';

const fieldName = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(LIMITS.fieldName, { message: `must be at most ${LIMITS.fieldName} characters` })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an identifier (letters, digits, _)' });

/** Schema of custom field values before the host's own field schema checks them. */
export const customFieldsSchema = z.record(fieldName, jsonValueSchema);

const idempotencyKey = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(LIMITS.idempotencyKey, { message: `must be at most ${LIMITS.idempotencyKey} characters` })
  .regex(/^[\x21-\x7E]+$/, { message: 'must be printable ASCII without spaces' });

/** Schema of the input of `desk.tickets.open`. */
export const openTicketInputSchema = z.strictObject({
  /** Who the ticket is for. May be left out when a customer opens their own ticket. */
  requester: z
    .strictObject({
      email: emailSchema,
      name: singleLineText().optional(),
    })
    .optional(),
  subject: singleLineText(LIMITS.subject),
  body: multilineText(),
  priority: prioritySchema.default('normal'),
  /** Where the ticket is routed; defaults to the desk's `intake.defaultDepartmentId`. */
  departmentId: recordIdSchema.optional(),
  topic: singleLineText(100).optional(),
  source: ticketSourceSchema.default('api'),
  fields: customFieldsSchema.default({}),
  /** Retries with the same key return the ticket the first attempt created. */
  idempotencyKey: idempotencyKey.optional(),
});
/** What `desk.tickets.open` accepts. */
export type OpenTicketInput = z.input<typeof openTicketInputSchema>;

const optionalRef = recordIdSchema.nullable().optional();

/** Schema of the input of `desk.tickets.assign`. */
export const assignInputSchema = z
  .strictObject({
    agentId: optionalRef,
    teamId: optionalRef,
  })
  .refine((input) => input.agentId != null || input.teamId != null, {
    message: 'name an agentId or a teamId',
    path: ['agentId'],
  });
/** What `desk.tickets.assign` accepts. */
export type AssignInput = z.input<typeof assignInputSchema>;

/** Schema of the input of commands that take no parameters (`unassign`, `startWork`). */
export const emptyInputSchema = z.strictObject({});
/** What `desk.tickets.unassign` and `desk.tickets.startWork` accept. */
export type EmptyInput = z.input<typeof emptyInputSchema>;

/** Schema of the input of `desk.tickets.transfer`. */
export const transferInputSchema = z.strictObject({
  departmentId: recordIdSchema,
  /** The team in the new department; left out, the ticket has no team after the transfer. */
  teamId: optionalRef,
  /** The agent in the new department; left out, the ticket has no agent after the transfer. */
  agentId: optionalRef,
  /** A note for the receiving colleagues, written into the thread (internal). */
  note: multilineText().optional(),
});
/** What `desk.tickets.transfer` accepts. */
export type TransferInput = z.input<typeof transferInputSchema>;

/** Schema of the input of `desk.tickets.reply`. */
export const replyInputSchema = z
  .strictObject({
    body: multilineText().optional(),
    /** Reply with this canned response; when `body` is given too, `body` is sent (the agent's edit). */
    cannedResponseId: recordIdSchema.optional(),
    /** A repeat with the same key (same actor, ticket and input) returns the ticket and writes nothing. */
    idempotencyKey: idempotencyKey.optional(),
  })
  .refine((input) => input.body !== undefined || input.cannedResponseId !== undefined, {
    message: 'required (or give a cannedResponseId)',
    path: ['body'],
  });
/** What `desk.tickets.reply` accepts. */
export type ReplyInput = z.input<typeof replyInputSchema>;

/** Schema of the input of `desk.tickets.requestInfo` (and, with an idempotency key, of `note`). */
export const bodyInputSchema = z.strictObject({
  body: multilineText(),
});
/** What `desk.tickets.requestInfo` accepts. */
export type BodyInput = z.input<typeof bodyInputSchema>;

/** Schema of the input of `desk.tickets.note`. */
export const noteInputSchema = bodyInputSchema.extend({
  /** A repeat with the same key (same actor, ticket and input) returns the ticket and writes nothing. */
  idempotencyKey: idempotencyKey.optional(),
});
/** What `desk.tickets.note` accepts. */
export type NoteInput = z.input<typeof noteInputSchema>;

/** Schema of the input of `desk.tickets.resolve`. */
export const resolveInputSchema = z.strictObject({
  /** How the issue was solved, for colleagues; stored as an internal note. */
  resolutionNote: multilineText(),
  /** A final public reply to the customer. */
  body: multilineText().optional(),
});
/** What `desk.tickets.resolve` accepts. */
export type ResolveInput = z.input<typeof resolveInputSchema>;

/** Schema of the input of `desk.tickets.confirmResolution`. */
export const confirmResolutionInputSchema = z.strictObject({
  rating: z
    .number()
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be from 1 to 5' })
    .max(5, { message: 'must be from 1 to 5' })
    .optional(),
  comment: multilineText(LIMITS.shortText).optional(),
});
/** What `desk.tickets.confirmResolution` accepts. */
export type ConfirmResolutionInput = z.input<typeof confirmResolutionInputSchema>;

/** Schema of the input of `desk.tickets.feedback`: a rating, and optionally a comment. */
export const feedbackInputSchema = z.strictObject({
  rating: z
    .number({ message: 'is required: a whole number from 1 to 5' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be from 1 to 5' })
    .max(5, { message: 'must be from 1 to 5' }),
  comment: multilineText(LIMITS.shortText).optional(),
});
/** What `desk.tickets.feedback` accepts. */
export type FeedbackInput = z.input<typeof feedbackInputSchema>;

/** Schema of the input of `desk.tickets.close`. */
export const closeInputSchema = z.strictObject({
  /** Close without the customer's confirmation. Admins only. */
  force: z.boolean().optional(),
});
/** What `desk.tickets.close` accepts. */
export type CloseInput = z.input<typeof closeInputSchema>;

/** Schema of the input of `desk.tickets.reopen`. */
export const reopenInputSchema = z.strictObject({
  reason: multilineText(LIMITS.shortText).optional(),
});
/** What `desk.tickets.reopen` accepts. */
export type ReopenInput = z.input<typeof reopenInputSchema>;

/** Schema of the input of `desk.tickets.update`. */
export const updateInputSchema = z
  .strictObject({
    priority: prioritySchema.optional(),
    slaPlanId: recordIdSchema.nullable().optional(),
    subject: singleLineText(LIMITS.subject).optional(),
    /** Custom field values to set; merged into the ticket's fields, then checked by the host's field schema. */
    fields: customFieldsSchema.optional(),
    /** A custom status of the ticket's current base status, or `null` to clear it. */
    customStatus: recordIdSchema.nullable().optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), {
    message: 'name at least one field to change',
  });
/** What `desk.tickets.update` accepts. */
export type UpdateInput = z.input<typeof updateInputSchema>;

/** Schema of the options every command takes. */
export const commandOptionsSchema = z.strictObject({
  actor: actorSchema,
  /** Refuse with `CONFLICT` unless the ticket is still at this version (the version the actor saw). */
  expectedVersion: z.number().int().min(1).optional(),
});
/** The options every command takes: who acts, and optionally the version they saw. */
export type CommandOptions = z.input<typeof commandOptionsSchema>;

/** Schema of the options of single-ticket queries. */
export const queryOptionsSchema = z.strictObject({
  actor: actorSchema,
});
/** The options of `get`, `thread` and `history`. */
export type QueryOptions = z.input<typeof queryOptionsSchema>;

/** Schema of the options of list queries (queues, search). */
export const listOptionsSchema = z.strictObject({
  actor: actorSchema,
  limit: limitSchema.default(25),
  cursor: cursorSchema.nullable().optional(),
});
/** The options of `queues.list` and `tickets.search`. */
export type ListOptions = z.input<typeof listOptionsSchema>;

/** Schema of the options of `queues.list`: a list query, optionally narrowed to one department. */
export const queueListOptionsSchema = listOptionsSchema.extend({
  /** Only this department's tickets: one the agent works in (any for admins and the system). */
  departmentId: recordIdSchema.optional(),
});
/** The options of `queues.list`. */
export type QueueListOptions = z.input<typeof queueListOptionsSchema>;

/** Schema of search text. */
export const searchTextSchema = singleLineText(LIMITS.searchText);
