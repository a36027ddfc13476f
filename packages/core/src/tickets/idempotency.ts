import type { DeskContext } from '../desk/desk-context.js';
import { isTicketkitError, TicketkitError } from '../errors/ticketkit-error.js';
import { fingerprint } from '../internal/ids.js';
import type { Ticket } from '../schemas/ticket.js';
import type { IdempotencyRecord } from '../storage/storage-adapter.js';
import type { ResolvedActor } from './access.js';

/**
 * Idempotency keys of the ticket commands (`open`, `reply`, `note`): the
 * record is written in the same change set as what the first request wrote,
 * so a retry — in this process, after a restart, or on another server —
 * finds it and is answered with the first request's ticket, writing nothing.
 */

/** A key about to be remembered: the record, completed with the ticket and time at commit. */
export interface PendingIdempotency {
  scope: string;
  key: string;
  fingerprint: string;
  /** Records created before this instant (ISO 8601) have expired: they answer nothing and are replaced. */
  expiredBefore: string;
}

function actorKey(who: ResolvedActor): string {
  if (who.kind === 'customer') return `customer:${who.email}`;
  if (who.kind === 'agent') return `agent:${who.agent.id}`;
  return 'system';
}

/**
 * The key to remember for a request, with the fingerprint that recognises
 * the same request again. Its scope says what the key is for and whose it is
 * (`reply:customer:ken@example.com`): one caller's key never answers another
 * caller's request, nor another command's.
 */
export async function pendingIdempotency(
  desk: DeskContext,
  command: string,
  who: ResolvedActor,
  key: string,
  request: unknown,
): Promise<PendingIdempotency> {
  // A key older than the TTL has expired: it does a new request, and its record is replaced.
  const expiredBefore = new Date(desk.clock.now().getTime() - desk.settings.idempotencyKeyTtlMs).toISOString();
  return { scope: `${command}:${actorKey(who)}`, key, fingerprint: await fingerprint(request), expiredBefore };
}

/** The first request's ticket when this is a repeat of it (the key is stored and live), else `null`. */
export async function replayOf(desk: DeskContext, pending: PendingIdempotency): Promise<Ticket | null> {
  const known = await desk.storage.getIdempotencyRecord(pending.scope, pending.key);
  return known && known.createdAt >= pending.expiredBefore ? replayIdempotent(desk, known, pending.fingerprint) : null;
}

/** The change-set fields that remember a key with the ticket `ticketId`, written `at`. */
export function idempotencyWrite(pending: PendingIdempotency, ticketId: string, at: string) {
  const { expiredBefore, ...record } = pending;
  return {
    idempotency: { ...record, ticketId, createdAt: at } satisfies IdempotencyRecord,
    replaceIdempotencyBefore: expiredBefore,
  };
}

/** The first request's ticket, for a repeat of it; the same key with another request is `IDEMPOTENCY_MISMATCH`. */
async function replayIdempotent(desk: DeskContext, record: IdempotencyRecord, print: string): Promise<Ticket> {
  if (record.fingerprint !== print) {
    throw new TicketkitError(
      'IDEMPOTENCY_MISMATCH',
      `Idempotency key ${record.key} was already used for a different request; use a new key for a new request`,
    );
  }
  const ticket = await desk.storage.getTicket({ id: record.ticketId });
  if (!ticket) throw new TicketkitError('STORAGE_FAILED', `Idempotency key ${record.key} points at a missing ticket`);
  return ticket;
}

/**
 * After a commit failed: when a parallel request with the same key won the
 * race (a `CONFLICT` on `idempotency`), its ticket; otherwise `null` (the
 * caller rethrows).
 */
export async function raceWinner(
  desk: DeskContext,
  error: unknown,
  pending: PendingIdempotency | undefined,
): Promise<Ticket | null> {
  if (!pending || !isTicketkitError(error, 'CONFLICT') || error.details.target !== 'idempotency') return null;
  const winner = await desk.storage.getIdempotencyRecord(pending.scope, pending.key);
  return winner ? replayIdempotent(desk, winner, pending.fingerprint) : null;
}
