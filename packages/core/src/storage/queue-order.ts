import { TicketkitError } from '../errors/ticketkit-error.js';
import type { Priority } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * The `priority` order of work queues: what an agent should pick up next.
 * Priority decides first; within a priority, the ticket whose SLA falls due
 * soonest (an overdue one has the earliest due time of all); tickets with no
 * due time after those with one; then first come, first served.
 */

/** Each priority's place in the `priority` order: urgent first. */
export const PRIORITY_RANKS: Readonly<Record<Priority, number>> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The ticket fields its place in the `priority` order depends on. */
export type QueueOrderFields = Pick<
  Ticket,
  'id' | 'priority' | 'status' | 'firstResponseDueAt' | 'firstRespondedAt' | 'resolutionDueAt' | 'createdAt'
>;

/**
 * The ticket's next SLA due time: the earliest target still pending — the
 * first response until an agent has replied, the resolution while the ticket
 * is open, in progress or awaiting the customer. `null` when nothing is due
 * (no plan, or resolved and closed tickets). A due time that has passed stays
 * the ticket's due time: it is the most urgent of all.
 */
export function nextDueAt(ticket: Omit<QueueOrderFields, 'id' | 'priority' | 'createdAt'>): string | null {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return null;
  const firstResponse = ticket.firstRespondedAt === null ? ticket.firstResponseDueAt : null;
  const resolution = ticket.resolutionDueAt;
  if (firstResponse === null) return resolution;
  if (resolution === null) return firstResponse;
  return Date.parse(firstResponse) <= Date.parse(resolution) ? firstResponse : resolution;
}

/**
 * Where a ticket stands in the `priority` order, as adapters store it:
 * compare (`rank`, `dueAt`, `createdAt`, `id`) ascending, with a `null`
 * `dueAt` after every time.
 */
export interface QueuePosition {
  /** {@link PRIORITY_RANKS} of the ticket's priority. */
  rank: number;
  /** {@link nextDueAt} (ISO 8601), or `null`. */
  dueAt: string | null;
  /** The ticket's `createdAt` (ISO 8601). */
  createdAt: string;
  /** The ticket's id (compared by UTF-16 code units, as `<` does; byte order for the ids core makes). */
  id: string;
}

/** A ticket's {@link QueuePosition}. */
export function queuePosition(ticket: QueueOrderFields): QueuePosition {
  return {
    rank: PRIORITY_RANKS[ticket.priority],
    dueAt: nextDueAt(ticket),
    createdAt: ticket.createdAt,
    id: ticket.id,
  };
}

const compareTimes = (a: string, b: string) => Date.parse(a) - Date.parse(b);

/** Compares two positions in the `priority` order: negative when `a` comes first. */
export function compareQueuePositions(a: QueuePosition, b: QueuePosition): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    const due = compareTimes(a.dueAt, b.dueAt);
    if (due !== 0) return due;
  }
  const created = compareTimes(a.createdAt, b.createdAt);
  if (created !== 0) return created;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The cursor of a page in the `priority` order that ends at `position`. Four
 * entries, where a creation-order cursor has two: {@link decodeQueueCursor}
 * refuses one from another order, and so does every adapter's creation-order
 * decoding refuse this one.
 */
export function encodeQueueCursor(position: QueuePosition): string {
  return encodeCursor([position.rank, position.dueAt ?? '', position.createdAt, position.id]);
}

/**
 * Reads back a cursor made by {@link encodeQueueCursor}. Anything else — a
 * cursor of the `oldest` or `newest` order, of another list, or made up — is
 * refused with `VALIDATION_FAILED` on the `cursor` field.
 */
export function decodeQueueCursor(cursor: string): QueuePosition {
  const [rank, dueAt, createdAt, id] = decodeCursor(cursor, ['number', 'string', 'string', 'string']) as [
    number,
    string,
    string,
    string,
  ];
  const isTime = (value: string) => !Number.isNaN(Date.parse(value));
  if (!Object.values(PRIORITY_RANKS).includes(rank) || (dueAt !== '' && !isTime(dueAt)) || !isTime(createdAt)) {
    throw new TicketkitError('VALIDATION_FAILED', 'Invalid cursor: pass back a nextCursor returned by this list', {
      issues: [{ path: ['cursor'], message: 'is not a cursor returned by this list' }],
    });
  }
  return { rank, dueAt: dueAt === '' ? null : dueAt, createdAt, id };
}
