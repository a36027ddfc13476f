import * as z from 'zod';
import { prioritySchema, slaStateSchema, ticketSourceSchema, ticketStatusSchema } from './enums.js';
import { instantSchema, jsonValueSchema } from './primitives.js';

/** Schema of {@link Requester}. */
export const requesterSchema = z.object({
  email: z.string(),
  name: z.string().nullable(),
});
/** The customer a ticket belongs to. */
export type Requester = z.infer<typeof requesterSchema>;

/** Schema of {@link Feedback}. */
export const feedbackSchema = z.object({
  rating: z.number().int().min(1).max(5).nullable(),
  comment: z.string().nullable(),
  at: instantSchema,
});
/** What the customer said when confirming the resolution. */
export type Feedback = z.infer<typeof feedbackSchema>;

/** Schema of a stored ticket, as storage adapters hold it and queries return it. */
export const ticketSchema = z.object({
  /** Stable id (a UUID). */
  id: z.string(),
  /** The human ticket number, unique, shaped by the desk's `ticketNumber` format. */
  number: z.string(),
  subject: z.string(),
  status: ticketStatusSchema,
  /** A host-defined status shown instead of the base status, mapped onto it. */
  customStatus: z.string().nullable(),
  priority: prioritySchema,
  requester: requesterSchema,
  departmentId: z.string(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  slaPlanId: z.string().nullable(),
  topic: z.string().nullable(),
  source: ticketSourceSchema,
  fields: z.record(z.string(), jsonValueSchema),
  firstResponseDueAt: instantSchema.nullable(),
  resolutionDueAt: instantSchema.nullable(),
  firstRespondedAt: instantSchema.nullable(),
  resolvedAt: instantSchema.nullable(),
  closedAt: instantSchema.nullable(),
  statusChangedAt: instantSchema,
  slaState: slaStateSchema,
  /** When the SLA scheduler should next look at the ticket (the next warning or due time), or `null` for never. */
  nextCheckAt: instantSchema.nullable(),
  /** The closed ticket this one follows up, when a customer wrote after the reopen window. */
  followUpOf: z.string().nullable(),
  feedback: feedbackSchema.nullable(),
  /** Incremented by every committed change; the optimistic-concurrency token. */
  version: z.number().int().min(1),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});

/**
 * A ticket as stored and returned. `TFields` is the shape of the host's
 * custom fields when it declared a schema for them.
 */
export type Ticket<TFields = Record<string, unknown>> = Omit<z.infer<typeof ticketSchema>, 'fields'> & {
  fields: TFields;
};

/**
 * Schema of a {@link TicketSummary}: a ticket without its custom `fields`,
 * what a queue row or a notification needs.
 */
export const ticketSummarySchema = ticketSchema.omit({ fields: true });

/**
 * A ticket without its custom `fields`: what queue pages, search results and
 * notifications carry. Custom fields can be large; a list or a delivery row
 * should not grow with them. Read the whole ticket with `desk.tickets.get`.
 */
export type TicketSummary = z.infer<typeof ticketSummarySchema>;

/** The {@link TicketSummary} of a ticket: a copy without `fields`. */
export function toTicketSummary(ticket: Ticket | TicketSummary): TicketSummary {
  const { fields: _fields, ...summary } = ticket as Ticket;
  return summary;
}
