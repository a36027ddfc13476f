import { type Ticket, type TicketSummary, ticketSchema } from '@ticketkit/core';

/**
 * What a customer sees of a ticket: its number, subject and where it stands —
 * not who holds it, its SLA plan and due times, its custom fields or its
 * version. One projection of the core schema, so the API document and the
 * responses agree.
 */
export const customerTicketSchema = ticketSchema.pick({
  id: true,
  number: true,
  subject: true,
  status: true,
  customStatus: true,
  priority: true,
  requester: true,
  source: true,
  createdAt: true,
  updatedAt: true,
  resolvedAt: true,
  closedAt: true,
  feedback: true,
  followUpOf: true,
});

const CUSTOMER_KEYS = Object.keys(customerTicketSchema.shape) as (keyof TicketSummary)[];

/** A ticket as a customer sees it. */
export function customerTicket(ticket: Ticket | TicketSummary): Record<string, unknown> {
  return Object.fromEntries(CUSTOMER_KEYS.map((key) => [key, ticket[key]]));
}
