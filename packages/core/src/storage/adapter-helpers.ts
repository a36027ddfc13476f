import type { Ticket } from '../schemas/ticket.js';
import { searchScore } from './ticket-filter.js';

// What every SQL adapter works out the same way, whatever its SQL: written once here so the SQLite and
// PostgreSQL adapters (and yours) agree on it.

/** A batch size as a SQL `LIMIT` should see it: a whole number, never negative (a negative LIMIT means no limit in SQLite). */
export const storageBatchSize = (limit: number): number => Math.max(0, Math.trunc(limit) || 0);

/**
 * The cell of the per-cell count table a ticket falls in: department,
 * status, SLA state, assignee (`''` for none) and team (`''` for none).
 * Every count the queues show is a sum over cells.
 */
export type CountCell = readonly [string, string, string, string, string];

/** The count cell of a ticket (see {@link CountCell}). */
export const countCellOf = (ticket: Ticket): CountCell => [
  ticket.departmentId,
  ticket.status,
  ticket.slaState,
  ticket.assigneeId ?? '',
  ticket.teamId ?? '',
];

/** Whether two count cells are the same cell: a change that stays in its cell moves no count. */
export const sameCountCell = (a: CountCell, b: CountCell): boolean => a.every((value, index) => value === b[index]);

/** A thread entry a search matched, with its ticket's id, subject, number and creation time (ms since the epoch). */
export interface SearchMatch {
  /** The ticket's id. */
  id: string;
  /** The ticket's subject. */
  subject: string;
  /** The ticket's number. */
  number: string;
  /** When the ticket was created, in milliseconds since the epoch. */
  createdAt: number;
  /** The matching entry's body. */
  body: string;
}

/**
 * Ranks the entries a search matched by ticket, with the reference score
 * ({@link searchScore}: subject and number words count three times): each
 * ticket once, at its best entry's score, best first, then newest first,
 * then by id (descending). The adapter pages through the result.
 */
export function rankSearchMatches<M extends SearchMatch>(matches: readonly M[], terms: readonly string[]): M[] {
  const ranked = new Map<string, { score: number; match: M }>();
  for (const match of matches) {
    const score = searchScore(match, [match.body], terms);
    const best = ranked.get(match.id);
    if (!best || score > best.score) ranked.set(match.id, { score, match });
  }
  return [...ranked.values()]
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.match.createdAt - a.match.createdAt ||
        (a.match.id < b.match.id ? 1 : a.match.id > b.match.id ? -1 : 0),
    )
    .map(({ match }) => match);
}

/**
 * Where SQL adapters keep a scheduler's claim on a due ticket: a row of their
 * leases table under this name prefix plus the ticket id, so claims need no
 * table of their own and a lapsed one is taken over like any lease.
 */
export const DUE_CLAIM_PREFIX = 'ticketkit:due:';
