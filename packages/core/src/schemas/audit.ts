import * as z from 'zod';
import { authorSchema } from './actor.js';
import { assignmentStateSchema, slaStateSchema, ticketStatusSchema } from './enums.js';
import { instantSchema, jsonValueSchema } from './primitives.js';

/** Schema of {@link LifecycleState}. */
export const lifecycleStateSchema = z.object({
  status: ticketStatusSchema,
  assignment: assignmentStateSchema,
  sla: slaStateSchema,
});

/** The value of the lifecycle statechart: one state per parallel region. */
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;

/** Schema of the statechart event an audit entry records, exactly as the machine received it. */
export const recordedEventSchema = z
  .object({
    type: z.string(),
    principal: z.string(),
  })
  .catchall(jsonValueSchema);

/** Schema of {@link AuditEvent}. */
export const auditEventSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  /** The command that ran (`open`, `assign`, `reply` …). */
  command: z.string(),
  /** The statechart event sent for it; `null` for `open`, which enters the initial state. */
  event: recordedEventSchema.nullable(),
  actor: authorSchema,
  /** The lifecycle state before the command; `null` for `open`. */
  from: lifecycleStateSchema.nullable(),
  to: lifecycleStateSchema,
  /** Ticket fields the command changed, with their old and new values. */
  changes: z.record(z.string(), z.object({ from: jsonValueSchema, to: jsonValueSchema })),
  /** The ticket version the command produced. */
  version: z.number().int().min(1),
  at: instantSchema,
});

/** One committed command in a ticket's audit history: who, what, from which state to which, when. */
export type AuditEvent = z.infer<typeof auditEventSchema>;
