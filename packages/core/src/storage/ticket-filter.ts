import type { Ticket } from '../schemas/ticket.js';
import { compareQueuePositions, type QueueOrderFields, queuePosition } from './queue-order.js';
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

/** Compares two tickets by creation: by `createdAt`, then `id`, ascending for `oldest`. */
export function compareTickets(
  a: Pick<Ticket, 'createdAt' | 'id'>,
  b: Pick<Ticket, 'createdAt' | 'id'>,
  order: 'oldest' | 'newest',
): number;
/** Compares two tickets in list order (for `priority`, by their `queuePosition`). */
export function compareTickets(a: QueueOrderFields, b: QueueOrderFields, order: TicketOrder): number;
export function compareTickets(
  a: Pick<Ticket, 'createdAt' | 'id'>,
  b: Pick<Ticket, 'createdAt' | 'id'>,
  order: TicketOrder,
): number {
  // Only the second signature admits `priority`, and it requires the fields.
  if (order === 'priority') {
    return compareQueuePositions(queuePosition(a as QueueOrderFields), queuePosition(b as QueueOrderFields));
  }
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

/** The distinct terms of search text (at most 16), in the order typed. */
export function searchTerms(text: string): string[] {
  return [...new Set(searchWords(text))].slice(0, 16);
}

/**
 * The reference relevance of a ticket for search terms: the best of its
 * search documents — one per thread entry, holding the ticket's subject and
 * number with that entry's body. A document matches when every term equals
 * one of its words (whole words, case and accents aside: prefix matching would
 * make a common prefix read a list of half the desk); its score counts the
 * matching words, a subject or number word three times. `0` means no match.
 * Adapters may rank differently (by recency within a bound, by bm25), but
 * must match the same tickets.
 */
export function searchScore(
  ticket: Pick<Ticket, 'subject' | 'number'>,
  bodies: readonly string[],
  terms: readonly string[],
): number {
  const heading = searchWords(`${ticket.subject} ${ticket.number}`);
  const hits = (words: readonly string[], term: string) => words.filter((word) => word === term).length;
  let best = 0;
  for (const body of bodies.length ? bodies : ['']) {
    const words = searchWords(body);
    let score = 0;
    for (const term of terms) {
      const inHeading = hits(heading, term);
      const inBody = hits(words, term);
      if (inHeading + inBody === 0) {
        score = 0;
        break;
      }
      score += inHeading * 3 + inBody;
    }
    best = Math.max(best, score);
  }
  return best;
}
