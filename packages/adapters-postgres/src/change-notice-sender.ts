import type { TicketChange } from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';

// PostgreSQL refuses a payload of 8000 bytes or more; a change is a few hundred bytes (long names are cut below).
const PAYLOAD_BYTES = 7_000;

/**
 * Sends the change notices of this adapter's commits, after they commit, a
 * JSON array of changes per `pg_notify`.
 *
 * Not inside the commit: a transaction that NOTIFYs takes one lock per
 * database from its NOTIFY until its commit record is flushed, so every
 * notifying commit of every server waits for the one before it, fsync
 * included (measured: sessions waiting on `Lock:object`, throughput falling
 * as servers are added). Sent afterwards, in a statement of its own with
 * `synchronous_commit` off (a notice is never durable anyway), the lock is
 * held for microseconds, and the notices of commits that finished meanwhile
 * share one statement.
 *
 * What this gives up: a notice comes a moment after its commit, notices of
 * two servers may arrive out of commit order (each change carries its
 * ticket's version), and a server that dies between a commit and its notice
 * never sends that one. Listeners use the feed to refresh what they show,
 * and resync on any doubt; the data is never wrong, only a refresh late.
 */
export function changeNoticeSender(context: PostgresContext, onError: (error: unknown) => void) {
  let pending: TicketChange[] = [];
  let sending: Promise<void> | null = null;

  async function sendAll() {
    // Commits that finish in the same turn of the event loop go in the same statement.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (pending.length) {
      const changes = pending;
      pending = [];
      try {
        await context.query(
          'notify',
          `SELECT set_config('synchronous_commit', 'off', true), count(pg_notify($1, payload))
            FROM unnest($2::text[]) payload`,
          [context.channel, payloads(changes)],
        );
      } catch (error) {
        onError(error);
      }
    }
    sending = null;
  }

  return {
    /** Queues a committed change's notice. */
    send(change: TicketChange) {
      pending.push(change);
      sending ??= sendAll();
    },
    /** Resolves once every queued notice is sent (the adapter's close waits for it). */
    flush: () => sending ?? Promise.resolve(),
  };
}

/** The changes as JSON arrays, each under PostgreSQL's payload limit. */
function payloads(changes: readonly TicketChange[]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let bytes = 2;
  for (const change of changes) {
    let json = JSON.stringify(change);
    // Only a host's very long names get here (ids and commands are short): listeners read the ticket anyway.
    if (Buffer.byteLength(json) > PAYLOAD_BYTES - 2) {
      json = JSON.stringify({ ...change, actor: null, commands: change.commands.slice(0, 20) });
    }
    const size = Buffer.byteLength(json) + 1;
    if (part.length && bytes + size > PAYLOAD_BYTES) {
      out.push(`[${part.join(',')}]`);
      part = [];
      bytes = 2;
    }
    part.push(json);
    bytes += size;
  }
  if (part.length) out.push(`[${part.join(',')}]`);
  return out;
}
