import type { Ticket } from '../schemas/ticket.js';
import type { TicketFilter, TicketOrder } from './storage-adapter.js';

/**
 * Whether a ticket matches a {@link TicketFilter}: the reference semantics
 * every adapter's queries must agree with (the conformance kit checks them
 * against this function).
 */
export function matchesFilter(ticket: Ticket, filter: TicketFilter): boolean {
  if (filter.statuses && !filter.statuses.includes(ticket.status)) return false;
  if (filter.departmentIds && !filter.departmentIds.includes(ticket.departmentId)) return false;
  if (filter.assigneeId !== undefined && ticket.assigneeId !== filter.assigneeId) return false;
  if (filter.unassigned === true && (ticket.assigneeId !== null || ticket.teamId !== null)) return false;
  if (filter.unassigned === false && ticket.assigneeId === null && ticket.teamId === null) return false;
  if (filter.slaStates && !filter.slaStates.includes(ticket.slaState)) return false;
  if (filter.requesterEmail !== undefined && ticket.requester.email !== filter.requesterEmail.toLowerCase()) {
    return false;
  }
  return true;
}

/** Compares two tickets in list order: by `createdAt`, then `id`, ascending for `oldest`. */
export function compareTickets(
  a: Pick<Ticket, 'createdAt' | 'id'>,
  b: Pick<Ticket, 'createdAt' | 'id'>,
  order: TicketOrder,
) {
  const sign = order === 'oldest' ? 1 : -1;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -sign : sign;
  if (a.id !== b.id) return a.id < b.id ? -sign : sign;
  return 0;
}

/**
 * Splits text into lower-case words without diacritics (letters and digits of
 * any script), the unit full-text search matches on. `ken@example.com` gives
 * `ken`, `example`, `com`, much as SQLite's FTS5 `unicode61` tokenizer does.
 */
export function searchWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The distinct terms of search text (at most 16): a ticket matches when each one starts a word of it. */
export function searchTerms(text: string): string[] {
  return [...new Set(searchWords(text))].slice(0, 16);
}
