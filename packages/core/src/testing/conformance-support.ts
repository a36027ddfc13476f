import assert from 'node:assert/strict';
import { createHelpDesk } from '../desk/create-help-desk.js';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { Delivery } from '../storage/delivery-records.js';
import type {
  AccessTokenRecord,
  IdempotencyRecord,
  OutboxMessage,
  StorageAdapter,
} from '../storage/storage-adapter.js';
import { type Clock, manualClock } from '../time/clock.js';

/**
 * Reads what an adapter wrote without going through the adapter's own read
 * path: a second connection with hand-written queries, or the raw data
 * structure. The suite checks every write through it, so an adapter whose
 * reads and writes are wrong in the same way still fails.
 */
export interface StorageBackdoor {
  /** The stored ticket with this id, mapped to a {@link Ticket}, or `null`. */
  ticket(id: string): Promise<Ticket | null>;
  /** The stored thread entries of a ticket, in the order they were written. */
  thread(ticketId: string): Promise<ThreadEntry[]>;
  /** The stored audit events of a ticket, in the order they were written. */
  audit(ticketId: string): Promise<AuditEvent[]>;
  /** The stored outbox messages of a ticket, in the order they were written. */
  outbox(ticketId: string): Promise<OutboxMessage[]>;
  /**
   * The stored deliveries of a ticket, in the order they were written. Needed
   * by the `outbox:` and `deliveries:` tests (an adapter for desks without
   * notifiers may leave it out and skip those).
   */
  deliveries?(ticketId: string): Promise<Delivery[]>;
  /** The stored access token record with this hash, or `null`. Needed by the `access tokens:` tests. */
  accessToken?(hash: string): Promise<AccessTokenRecord | null>;
  /** The stored idempotency record, or `null`. */
  idempotency(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** How many rows of each kind exist: proves that a failed change set left nothing behind. */
  counts(): Promise<{ tickets: number; thread: number; audit: number; outbox: number; idempotency: number }>;
}

/** A fresh, empty adapter for one test, with its backdoor. */
export interface ConformanceSubject {
  /** The adapter under test. */
  adapter: StorageAdapter;
  /** Raw access to what it stored. */
  backdoor: StorageBackdoor;
  /** Called after the test (close connections, delete files). */
  cleanup?: () => Promise<void>;
}

/** One conformance test. */
export type Case = (subject: ConformanceSubject) => Promise<void>;

/** Asserts that `error` is a `CONFLICT` on `target`. */
export function expectConflict(error: unknown, target: string): true {
  assert.ok(isTicketkitError(error, 'CONFLICT'), `expected a CONFLICT, got ${String(error)}`);
  assert.equal(error.details.target, target, `expected a CONFLICT on ${target}`);
  return true;
}

/** Inserts a ticket with its thread and audit events. */
export async function insert(
  adapter: StorageAdapter,
  ticket: Ticket,
  thread: ThreadEntry[] = [],
  audit: AuditEvent[] = [],
) {
  await adapter.commit({ ticket: { kind: 'insert', ticket }, thread, audit });
}

/** A desk on the adapter with one department and one agent, as a host would set it up. */
export async function deskOn(adapter: StorageAdapter, clock: Clock = manualClock('2026-03-02T09:00:00Z')) {
  const desk = await createHelpDesk({ storage: adapter, clock });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({
    id: 'isabella',
    name: 'Isabella',
    email: 'isabella@example.com',
    departmentIds: ['help'],
  });
  return desk;
}
