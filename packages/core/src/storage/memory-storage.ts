import { conflictError } from '../errors/ticketkit-error.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { DirectoryKind, DirectoryRecords } from '../schemas/directory.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import { DUE_CLAIM_PREFIX } from './adapter-helpers.js';
import { localChangeListeners } from './change-announcements.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Delivery } from './delivery-records.js';
import { compareQueuePositions, decodeQueueCursor, encodeQueueCursor, queuePosition } from './queue-order.js';
import type {
  AccessTokenRecord,
  ChangeSet,
  DueTicketClaim,
  DueTicketQuery,
  IdempotencyRecord,
  OutboxMessage,
  Page,
  StorageAdapter,
  TicketFilter,
  TicketListQuery,
  TicketLookup,
  TicketSearchQuery,
} from './storage-adapter.js';
import { compareTickets, matchesFilter, searchScore } from './ticket-filter.js';

/** Everything a {@link memoryStorage} holds, as plain data. */
export interface MemoryStorageState {
  /** Tickets by id. */
  tickets: Map<string, Ticket>;
  /** Thread entries by ticket id, in commit order. */
  thread: Map<string, ThreadEntry[]>;
  /** Audit events by ticket id, in commit order. */
  audit: Map<string, AuditEvent[]>;
  /** Outbox messages by id, in commit order. */
  outbox: Map<string, OutboxMessage>;
  /** Deliveries by id, in the order they were written. */
  deliveries: Map<string, Delivery>;
  /** Leases by name; a scheduler's claim on a due ticket is the lease `ticketkit:due:<ticket id>`. */
  leases: Map<string, { owner: string; until: string }>;
  /** Access token records by hash. */
  accessTokens: Map<string, AccessTokenRecord>;
  /** Idempotency records by `scope` + NUL + `key`. */
  idempotency: Map<string, IdempotencyRecord>;
  /** Counter values by name. */
  sequences: Map<string, number>;
  /** Directory records by kind, then id. */
  records: Map<DirectoryKind, Map<string, unknown>>;
}

/** The memory adapter: a {@link StorageAdapter} plus a raw view of its state for tests. */
export interface MemoryStorage extends StorageAdapter {
  /** The adapter's live state, bypassing every read path: the conformance kit's backdoor. Do not mutate. */
  readonly state: MemoryStorageState;
}

const copy = <T>(value: T): T => structuredClone(value);
const idempotencyKey = (scope: string, key: string) => `${scope}\u0000${key}`;

/**
 * The reference storage adapter: everything in memory, nothing survives the
 * process. Use it in tests, demos and as the model for your own adapter; use
 * `@ticketkit/adapter-sqlite` for anything that must survive a restart.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({ storage: memoryStorage() });
 * ```
 */
export function memoryStorage(): MemoryStorage {
  const state: MemoryStorageState = {
    tickets: new Map(),
    thread: new Map(),
    audit: new Map(),
    outbox: new Map(),
    deliveries: new Map(),
    leases: new Map(),
    accessTokens: new Map(),
    idempotency: new Map(),
    sequences: new Map(),
    records: new Map(),
  };
  const numbers = new Map<string, string>();
  const listeners = localChangeListeners((error) => console.warn('ticketkit memory: a change listener threw', error));
  /** Tickets due by `dueBefore` that `keep` keeps, earliest first (then by id). */
  const dueTickets = (dueBefore: string, keep: (ticket: Ticket) => boolean) => {
    const key = (ticket: Ticket) => `${ticket.nextCheckAt}|${ticket.id}`;
    return [...state.tickets.values()]
      .filter((ticket) => ticket.nextCheckAt !== null && ticket.nextCheckAt <= dueBefore && keep(ticket))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  };
  const threadIds = new Set<string>();
  const auditIds = new Set<string>();

  function page(tickets: Ticket[], query: TicketListQuery): Page<Ticket> {
    const { order } = query;
    let sorted = tickets.sort((a, b) => compareTickets(a, b, order));
    if (query.cursor && order === 'priority') {
      const after = decodeQueueCursor(query.cursor);
      sorted = sorted.filter((ticket) => compareQueuePositions(queuePosition(ticket), after) > 0);
    } else if (query.cursor && order !== 'priority') {
      const [createdAt, id] = decodeCursor(query.cursor, ['string', 'string']) as [string, string];
      sorted = sorted.filter((ticket) => compareTickets(ticket, { createdAt, id }, order) > 0);
    }
    const items = sorted.slice(0, query.limit);
    const last = items.at(-1);
    const cursorOf = (ticket: Ticket) =>
      order === 'priority' ? encodeQueueCursor(queuePosition(ticket)) : encodeCursor([ticket.createdAt, ticket.id]);
    const nextCursor = sorted.length > query.limit && last ? cursorOf(last) : null;
    return { items: items.map(copy), nextCursor };
  }

  function checkChangeSet(changes: ChangeSet): void {
    const { ticket } = changes.ticket;
    const stored = state.tickets.get(ticket.id);
    if (changes.ticket.kind === 'insert') {
      if (stored) throw conflictError('record', `Ticket ${ticket.id} already exists`);
      if (numbers.has(ticket.number)) throw conflictError('number', `Ticket number ${ticket.number} is taken`);
    } else {
      if (!stored) throw new Error(`Cannot update ticket ${ticket.id}: it does not exist`);
      if (stored.version !== changes.ticket.expectedVersion) {
        throw conflictError('version', `Ticket ${ticket.id} changed meanwhile`, {
          expectedVersion: changes.ticket.expectedVersion,
          actualVersion: stored.version,
        });
      }
      const owner = numbers.get(ticket.number);
      if (owner !== undefined && owner !== ticket.id) {
        throw conflictError('number', `Ticket number ${ticket.number} is taken`);
      }
    }
    const seen = new Set<string>();
    for (const entry of changes.thread) {
      if (entry.ticketId !== ticket.id) throw new Error(`Thread entry ${entry.id} belongs to another ticket`);
      if (threadIds.has(entry.id) || seen.has(entry.id)) throw new Error(`Duplicate thread entry id ${entry.id}`);
      seen.add(entry.id);
    }
    for (const event of changes.audit) {
      if (event.ticketId !== ticket.id) throw new Error(`Audit event ${event.id} belongs to another ticket`);
      if (auditIds.has(event.id) || seen.has(event.id)) throw new Error(`Duplicate audit event id ${event.id}`);
      seen.add(event.id);
    }
    for (const message of changes.outbox ?? []) {
      if (message.ticketId !== ticket.id) throw new Error(`Outbox message ${message.id} belongs to another ticket`);
      if (state.outbox.has(message.id) || seen.has(message.id))
        throw new Error(`Duplicate outbox message id ${message.id}`);
      seen.add(message.id);
    }
    if (changes.idempotency) {
      const { scope, key } = changes.idempotency;
      const stored = state.idempotency.get(idempotencyKey(scope, key));
      const expired =
        stored !== undefined &&
        changes.replaceIdempotencyBefore !== undefined &&
        stored.createdAt < changes.replaceIdempotencyBefore;
      if (stored && !expired) throw conflictError('idempotency', `Idempotency key ${key} was used already`);
    }
  }

  const adapter: MemoryStorage = {
    id: 'memory',
    state,

    async commit(changes) {
      // Check everything first, then apply: with no await in between, the change set is atomic.
      checkChangeSet(changes);
      const ticket = copy(changes.ticket.ticket);
      const previous = state.tickets.get(ticket.id);
      if (previous) numbers.delete(previous.number);
      state.tickets.set(ticket.id, ticket);
      numbers.set(ticket.number, ticket.id);
      if (!state.thread.has(ticket.id)) state.thread.set(ticket.id, []);
      if (!state.audit.has(ticket.id)) state.audit.set(ticket.id, []);
      for (const entry of changes.thread) {
        state.thread.get(ticket.id)?.push(copy(entry));
        threadIds.add(entry.id);
      }
      for (const event of changes.audit) {
        state.audit.get(ticket.id)?.push(copy(event));
        auditIds.add(event.id);
      }
      for (const message of changes.outbox ?? []) state.outbox.set(message.id, copy(message));
      if (changes.idempotency) {
        const record = copy(changes.idempotency);
        state.idempotency.set(idempotencyKey(record.scope, record.key), record);
      }
      for (const record of changes.accessTokens ?? []) {
        if (!state.accessTokens.has(record.hash)) state.accessTokens.set(record.hash, copy(record));
      }
      listeners.announce(changes);
    },

    async getTicket(lookup: TicketLookup) {
      const id = 'id' in lookup ? lookup.id : numbers.get(lookup.number);
      const ticket = id === undefined ? undefined : state.tickets.get(id);
      return ticket ? copy(ticket) : null;
    },

    async listTickets(query) {
      return page(
        [...state.tickets.values()].filter((ticket) => matchesFilter(ticket, query.filter)),
        query,
      );
    },

    async countTickets(filters: Readonly<Record<string, TicketFilter>>) {
      const counts: Record<string, number> = {};
      for (const [name, filter] of Object.entries(filters)) {
        let count = 0;
        for (const ticket of state.tickets.values()) if (matchesFilter(ticket, filter)) count++;
        counts[name] = count;
      }
      return counts;
    },

    async searchTickets(query: TicketSearchQuery) {
      const scored: { ticket: Ticket; score: number }[] = [];
      for (const ticket of state.tickets.values()) {
        if (!matchesFilter(ticket, query.filter)) continue;
        const bodies = (state.thread.get(ticket.id) ?? []).map((entry) => entry.body);
        const score = searchScore(ticket, bodies, query.terms);
        if (score > 0) scored.push({ ticket, score });
      }
      scored.sort((a, b) => b.score - a.score || compareTickets(a.ticket, b.ticket, 'newest'));
      const offset = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
      const items = scored.slice(offset, offset + query.limit).map(({ ticket }) => copy(ticket));
      const nextCursor = offset + query.limit < scored.length ? encodeCursor([offset + query.limit]) : null;
      return { items, nextCursor };
    },

    async listDueTickets(query: DueTicketQuery) {
      return dueTickets(query.dueBefore, () => true)
        .slice(0, query.limit)
        .map(copy);
    },

    async claimDueTickets({ dueBefore, limit, owner, now, until }: DueTicketClaim) {
      // No await between the check and the claim: in one process that is atomic.
      const free = (ticket: Ticket) => !((state.leases.get(DUE_CLAIM_PREFIX + ticket.id)?.until ?? '') > now);
      const claimed = dueTickets(dueBefore, free).slice(0, limit);
      for (const ticket of claimed) state.leases.set(DUE_CLAIM_PREFIX + ticket.id, { owner, until });
      return claimed.map(copy);
    },

    async releaseDueTickets(ticketIds, owner) {
      for (const id of ticketIds) {
        if (state.leases.get(DUE_CLAIM_PREFIX + id)?.owner === owner) state.leases.delete(DUE_CLAIM_PREFIX + id);
      }
    },

    subscribe: listeners.subscribe,

    async listPendingOutbox(query) {
      const due: OutboxMessage[] = [];
      for (const message of state.outbox.values()) {
        if (due.length === query.limit) break;
        if (message.status === 'pending' && message.nextAttemptAt <= query.dueBefore) due.push(copy(message));
      }
      return due;
    },

    async dispatchOutbox({ messageId, deliveries, at }) {
      const message = state.outbox.get(messageId);
      if (!message) throw new Error(`No outbox message ${messageId}`);
      if (message.status !== 'pending') return false;
      const seen = new Set<string>();
      for (const delivery of deliveries) {
        if (state.deliveries.has(delivery.id) || seen.has(delivery.id))
          throw new Error(`Duplicate delivery id ${delivery.id}`);
        seen.add(delivery.id);
      }
      state.outbox.set(messageId, { ...message, status: 'dispatched', updatedAt: at });
      for (const delivery of deliveries) state.deliveries.set(delivery.id, copy(delivery));
      return true;
    },

    async deferOutbox({ messageId, status, attempts, nextAttemptAt, lastError, at }) {
      const message = state.outbox.get(messageId);
      if (!message) throw new Error(`No outbox message ${messageId}`);
      if (message.status !== 'pending') return;
      state.outbox.set(messageId, { ...message, status, attempts, nextAttemptAt, lastError, updatedAt: at });
    },

    async claimDeliveries({ owner, now, until, limit }) {
      const due = [...state.deliveries.values()]
        .filter(
          (delivery) =>
            (delivery.status === 'pending' || delivery.status === 'retrying') &&
            delivery.nextAttemptAt <= now &&
            (delivery.claimedUntil === null || delivery.claimedUntil <= now),
        )
        .sort((a, b) => (a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : 0))
        .slice(0, limit);
      return due.map((delivery) => {
        const claimed = { ...delivery, claimedBy: owner, claimedUntil: until };
        state.deliveries.set(delivery.id, claimed);
        return copy(claimed);
      });
    },

    async updateDelivery(delivery, claimedBy) {
      const stored = state.deliveries.get(delivery.id);
      if (!stored || stored.claimedBy !== claimedBy) return false;
      state.deliveries.set(delivery.id, copy(delivery));
      return true;
    },

    async getDelivery(id) {
      const delivery = state.deliveries.get(id);
      return delivery ? copy(delivery) : null;
    },

    async listDeliveries(query) {
      let matches = [...state.deliveries.values()].filter(
        (delivery) =>
          (query.ticketId === undefined || delivery.ticketId === query.ticketId) &&
          (query.status === undefined || delivery.status === query.status),
      );
      matches.sort((a, b) => compareTickets(a, b, 'newest'));
      if (query.cursor) {
        const [createdAt, id] = decodeCursor(query.cursor, ['string', 'string']) as [string, string];
        matches = matches.filter((delivery) => compareTickets(delivery, { createdAt, id }, 'newest') > 0);
      }
      const items = matches.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(copy),
        nextCursor: matches.length > query.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
      };
    },

    async acquireLease({ name, owner, now, until }) {
      const held = state.leases.get(name);
      if (held && held.owner !== owner && held.until > now) return false;
      state.leases.set(name, { owner, until });
      return true;
    },

    async releaseLease(name, owner) {
      if (state.leases.get(name)?.owner === owner) state.leases.delete(name);
    },

    async putAccessToken(record) {
      if (!state.accessTokens.has(record.hash)) state.accessTokens.set(record.hash, copy(record));
    },

    async getAccessToken(hash) {
      const record = state.accessTokens.get(hash);
      return record ? copy(record) : null;
    },

    async revokeAccessTokens(ticketId, at) {
      let revoked = 0;
      for (const [hash, record] of state.accessTokens) {
        if (record.ticketId !== ticketId || record.revokedAt !== null) continue;
        state.accessTokens.set(hash, { ...record, revokedAt: at });
        revoked += 1;
      }
      return revoked;
    },

    async listThread(ticketId) {
      return copy(state.thread.get(ticketId) ?? []);
    },

    async listAudit(ticketId) {
      return copy(state.audit.get(ticketId) ?? []);
    },

    async getIdempotencyRecord(scope, key) {
      const record = state.idempotency.get(idempotencyKey(scope, key));
      return record ? copy(record) : null;
    },

    async nextSequence(name) {
      const value = (state.sequences.get(name) ?? 0) + 1;
      state.sequences.set(name, value);
      return value;
    },

    async putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]) {
      let records = state.records.get(kind);
      if (!records) {
        records = new Map();
        state.records.set(kind, records);
      }
      records.set(record.id, copy(record));
    },

    async getRecord<K extends DirectoryKind>(kind: K, id: string) {
      const record = state.records.get(kind)?.get(id);
      return record === undefined ? null : (copy(record) as DirectoryRecords[K]);
    },

    async listRecords<K extends DirectoryKind>(kind: K) {
      const records = [...(state.records.get(kind)?.values() ?? [])] as DirectoryRecords[K][];
      return copy(records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    },
  };
  return adapter;
}
