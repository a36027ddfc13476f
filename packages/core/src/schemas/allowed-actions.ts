import * as z from 'zod';

/** The ticket commands an actor may be offered, by their `desk.tickets` method name. */
export const TICKET_ACTIONS = [
  'assign',
  'unassign',
  'transfer',
  'startWork',
  'reply',
  'note',
  'requestInfo',
  'resolve',
  'confirmResolution',
  'feedback',
  'close',
  'reopen',
  'update',
] as const;

/** A command name in {@link TICKET_ACTIONS}. */
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Why an action is not offered now: the same code the command would fail with. */
export const actionRefusalSchema = z.enum(['CONFIRMATION_REQUIRED', 'FORBIDDEN', 'INVALID_TRANSITION']);

/** Schema of one action's answer: allowed or not, and why not. */
export const allowedActionSchema = z.object({
  /** Whether the command would be accepted now (for `close`, possibly only with `force`). */
  allowed: z.boolean(),
  /** Why not: the error code the command would fail with. */
  reason: actionRefusalSchema.optional(),
  /** `close` for an admin while the customer has not confirmed: allowed only with `{ force: true }`. */
  requiresForce: z.boolean().optional(),
});
/** One action's answer. */
export type AllowedAction = z.infer<typeof allowedActionSchema>;

/** Schema of every action's answer for one ticket and one actor. */
export const allowedActionsSchema = z.object(
  Object.fromEntries(TICKET_ACTIONS.map((action) => [action, allowedActionSchema])) as Record<
    TicketAction,
    typeof allowedActionSchema
  >,
);
/** What `desk.tickets.allowedActions` answers: each command, allowed or not, for this actor now. */
export type AllowedActions = Record<TicketAction, AllowedAction>;
