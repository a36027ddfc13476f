import type { AuditEvent } from '../schemas/audit.js';
import type { DirectoryKind, DirectoryRecords } from '../schemas/directory.js';
import type { SlaState, TicketStatus } from '../schemas/enums.js';
import type { JsonValue } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type {
  Delivery,
  DeliveryClaim,
  DeliveryListQuery,
  LeaseRequest,
  OutboxDeferral,
  OutboxDispatch,
  OutboxQuery,
} from './delivery-records.js';
import type { StorageChangeListener, Unsubscribe } from './storage-changes.js';

/**
 * Which tickets a list, count or search covers. Every given condition must
 * hold (AND); a condition left out does not restrict.
 */
export interface TicketFilter {
  /** The ticket's base status is one of these. */
  statuses?: readonly TicketStatus[];
  /** The ticket belongs to one of these departments. An empty list matches nothing. */
  departmentIds?: readonly string[];
  /** This agent holds the ticket. */
  assigneeId?: string;
  /** `true`: neither an agent nor a team holds the ticket. */
  unassigned?: boolean;
  /** The ticket's SLA state is one of these. */
  slaStates?: readonly SlaState[];
  /** The ticket belongs to this customer (lower-case email). */
  requesterEmail?: string;
}

/**
 * Order of a ticket list.
 * - `priority`: the work order — priority (urgent, high, normal, low), then
 *   the next SLA due time, earliest first (tickets without one after those
 *   with one), then creation time, then id (see `queuePosition`);
 * - `oldest`, `newest`: by creation time, then id.
 */
export type TicketOrder = 'priority' | 'oldest' | 'newest';

/** A request for one page of tickets. */
export interface TicketListQuery {
  /** Which tickets. */
  filter: TicketFilter;
  /** `priority` (work queues), `oldest` first, or `newest` first (history-like queues). */
  order: TicketOrder;
  /** Page size, 1 to 100. */
  limit: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null;
}

/** A request for one page of full-text search results. */
export interface TicketSearchQuery {
  /** The search text as the user typed it. Never interpret it as query syntax. */
  text: string;
  /**
   * `text` split into lower-case words (see `searchTerms`). A ticket matches
   * when one of its thread entries, together with the ticket's subject and
   * number, has every term as a whole word. So "password expired" finds a
   * ticket titled "Password reset" whose message says "the link expired".
   * `searchScore` is the reference.
   */
  terms: readonly string[];
  /** Which tickets may match. */
  filter: TicketFilter;
  /** Page size, 1 to 100. */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** One page of a list. `nextCursor` is `null` on the last page. */
export interface Page<T> {
  /** The items of this page, in list order. */
  items: T[];
  /** Pass it back as `cursor` for the next page; `null` when there is none. */
  nextCursor: string | null;
}

/** How a ticket is looked up: by its stable id or its human number. */
export type TicketLookup = { id: string } | { number: string };

/** The ticket row a {@link ChangeSet} writes. */
export type TicketWrite =
  /** A new ticket. Fails with `CONFLICT` (target `number`) when its number is taken. */
  | { kind: 'insert'; ticket: Ticket }
  /**
   * A new version of a stored ticket. Fails with `CONFLICT` (target `version`)
   * unless the stored ticket is at `expectedVersion`.
   */
  | {
      kind: 'update';
      ticket: Ticket;
      expectedVersion: number;
      /** The ticket as the command read it (at `expectedVersion`): adapters may write only what changed. */
      previous?: Ticket;
    };

/**
 * A customer access token, as stored: only its SHA-256 hash, never the token
 * itself. It lets the ticket's requester read and answer that one ticket.
 */
export interface AccessTokenRecord {
  /** SHA-256 of the token, lower-case hex. */
  hash: string;
  /** The ticket it opens. */
  ticketId: string;
  /** When it was issued (ISO 8601). */
  createdAt: string;
  /** When it stops working (ISO 8601), or `null` for never. */
  expiresAt: string | null;
  /** When it was revoked (ISO 8601), or `null`. */
  revokedAt: string | null;
}

/** A remembered idempotency key and the ticket its first use created or wrote to. */
export interface IdempotencyRecord {
  /** What the key is for and whose it is, e.g. `open:customer:ken@example.com`, `reply:agent:ann`. */
  scope: string;
  /** The key the client sent. */
  key: string;
  /** A hash of the request, to refuse the same key with a different request. */
  fingerprint: string;
  /** The ticket the first request created (`open`, a follow-up) or wrote to (`reply`, `note`). */
  ticketId: string;
  /** When the key was first used (ISO 8601). */
  createdAt: string;
}

/** Where an outbox message stands: `pending` until dispatched to the notifiers, `dead` when dispatch keeps failing. */
export type OutboxStatus = 'pending' | 'dispatched' | 'dead';

/**
 * Who a notification is for. It is resolved to people when the message is
 * dispatched, so the change that writes it reads nothing and a department's
 * alert reaches the department's agents as they are then.
 */
export type NotificationAudience =
  /** The ticket's customer. */
  | { kind: 'requester' }
  /** The active agents of a department. */
  | { kind: 'department'; departmentId: string }
  /** Whoever holds the ticket: its agent, else its team's members, else its department's agents. */
  | { kind: 'holders'; departmentId: string; teamId: string | null; assigneeId: string | null };

/** One notification a change calls for: its type, who it is for, and what it quotes. */
export interface PlannedNotification {
  /** The notification type, e.g. `ticket.reply_notice`. */
  type: string;
  /** Who it is for. */
  audience: NotificationAudience;
  /** What the notification needs besides the ticket: the message it quotes, who acted. */
  data: Record<string, JsonValue>;
}

/**
 * The notifications of one committed change, written in the same change set
 * (the transactional outbox) and dispatched after commit. One message per
 * change, whatever the number of notifications and notifiers: every row a
 * command writes costs it time.
 */
export interface OutboxMessage {
  /** Unique id; deliveries derived from it carry it, so receivers can deduplicate. */
  id: string;
  /** The ticket it is about. */
  ticketId: string;
  /** The notifications, each with its audience. */
  notifications: PlannedNotification[];
  /** An agent who must not receive them (the one who acted), or `null`. */
  excludeAgentId: string | null;
  /** Where it stands. */
  status: OutboxStatus;
  /** Dispatch attempts so far. */
  attempts: number;
  /** When the next attempt is due (ISO 8601). */
  nextAttemptAt: string;
  /** Why the last attempt failed, or `null`. */
  lastError: string | null;
  /** When the message was written (ISO 8601). */
  createdAt: string;
  /** When the message last changed (ISO 8601). */
  updatedAt: string;
}

/** A request for the tickets the scheduler should look at now (SLA targets, auto-close, reminders). */
export interface DueTicketQuery {
  /** Tickets whose `nextCheckAt` is at or before this instant (ISO 8601). */
  dueBefore: string;
  /** Batch size. */
  limit: number;
}

/**
 * A scheduler's claim on due tickets: while it holds a ticket's claim, no
 * other scheduler on the same storage is given that ticket.
 */
export interface DueTicketClaim extends DueTicketQuery {
  /** Who claims (one id per scheduler). */
  owner: string;
  /** The time now (ISO 8601): claims that ran out by now are free. */
  now: string;
  /** Until when the claims hold (ISO 8601); a scheduler that dies loses them then. */
  until: string;
}

/**
 * Everything one command writes, committed atomically: all of it or nothing.
 * Adapters write the ticket, then the thread entries in array order, then the
 * audit events, the outbox messages and the idempotency record, inside one
 * transaction.
 */
export interface ChangeSet {
  /** The ticket row. */
  ticket: TicketWrite;
  /** Thread entries to append, in order. Ids are unique; a duplicate fails the whole change set. */
  thread: readonly ThreadEntry[];
  /** Audit events to append, in order. */
  audit: readonly AuditEvent[];
  /** Notifications to deliver after commit. Ids are unique; a duplicate fails the whole change set. */
  outbox?: readonly OutboxMessage[];
  /** Remember an idempotency key. Fails with `CONFLICT` (target `idempotency`) when the scope and key are taken. */
  idempotency?: IdempotencyRecord;
  /**
   * Keys expire: a stored record with the same scope and key created before
   * this instant (ISO 8601) is replaced by `idempotency` instead of failing
   * with `CONFLICT`.
   */
  replaceIdempotencyBefore?: string;
  /**
   * Customer access tokens to store with the change: a ticket opened with
   * its token (`desk.tickets.openWithAccessToken`) is one commit. Written as
   * `putAccessToken` writes them; adapters without access tokens never get any.
   */
  accessTokens?: readonly AccessTokenRecord[];
}

/**
 * The storage plugin interface. Implement the required methods; the optional
 * ones have fallbacks in core (slower, but correct). Run
 * `runStorageConformance()` from `@ticketkit/core/testing` to check an
 * implementation.
 *
 * Rules every adapter follows:
 * - `commit` is atomic. A collision throws `TicketkitError` with code
 *   `CONFLICT` and a `target` (use `conflictError()`); anything else that
 *   goes wrong throws whatever the driver threw, and core wraps it as
 *   `STORAGE_FAILED` with the cause kept.
 * - Reads return copies: mutating a returned object never changes storage.
 * - Thread entries and audit events come back in the order they were committed.
 * - Strings come back exactly as written.
 */
export interface StorageAdapter {
  /** A short name for messages, e.g. `'memory'`, `'sqlite'`. */
  readonly id: string;
  /** Prepares the store (migrations). Called once by `createHelpDesk`. */
  init?(): Promise<void>;
  /** Releases connections. Called once, by `desk.close()`. */
  close?(): Promise<void>;

  /** Writes a {@link ChangeSet} atomically. */
  commit(changes: ChangeSet): Promise<void>;
  /** One ticket, or `null`. */
  getTicket(lookup: TicketLookup): Promise<Ticket | null>;
  /**
   * One page of tickets, keyset-paginated: by (`createdAt`, `id`) for
   * `oldest` and `newest`, by the ticket's `queuePosition` for `priority`.
   */
  listTickets(query: TicketListQuery): Promise<Page<Ticket>>;
  /** How many tickets match each named filter. Fallback: pages through `listTickets`. */
  countTickets?(filters: Readonly<Record<string, TicketFilter>>): Promise<Record<string, number>>;
  /** Ranked full-text search. Fallback: scans tickets and threads (fine for small desks). */
  searchTickets?(query: TicketSearchQuery): Promise<Page<Ticket>>;
  /**
   * Tickets whose `nextCheckAt` is due, earliest first (then by id): the
   * scheduler's sweep (SLA warnings and breaches, auto-close, reminders).
   * Fallback: scans every ticket (fine for small desks).
   */
  listDueTickets?(query: DueTicketQuery): Promise<Ticket[]>;
  /**
   * Claims up to `limit` tickets due by `dueBefore` (as `listDueTickets`
   * selects them, earliest first) that nobody holds a live claim on at `now`
   * — not even `owner` — for `owner` until `until`, and returns them. Two
   * concurrent claims never return the same ticket; a claim that ran out
   * (its scheduler died) is taken over. With it, several schedulers share
   * one sweep's tickets; without it, one scheduler at a time sweeps them all
   * under a lease. PostgreSQL: `FOR UPDATE SKIP LOCKED`.
   */
  claimDueTickets?(claim: DueTicketClaim): Promise<Ticket[]>;
  /** Gives back `owner`'s claims on these tickets (at the end of a sweep). Needed with `claimDueTickets`. */
  releaseDueTickets?(ticketIds: readonly string[], owner: string): Promise<void>;
  /** A ticket's thread, in commit order. */
  listThread(ticketId: string): Promise<ThreadEntry[]>;
  /** A ticket's audit events, in commit order. */
  listAudit(ticketId: string): Promise<AuditEvent[]>;
  /** A remembered idempotency key, or `null`. */
  getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** The next value of a named counter, starting at 1; unique even under concurrent calls. */
  nextSequence(name: string): Promise<number>;

  /**
   * Pending outbox messages due by `dueBefore`, in commit order. Needed when
   * the desk has notifiers (as are the other outbox and delivery methods).
   */
  listPendingOutbox?(query: OutboxQuery): Promise<OutboxMessage[]>;
  /**
   * Atomically marks a pending message `dispatched` and writes its
   * deliveries. Returns `false`, writing nothing, when the message is no
   * longer pending (another scheduler dispatched it first).
   */
  dispatchOutbox?(dispatch: OutboxDispatch): Promise<boolean>;
  /** Records a failed dispatch of a pending message: its attempts, next attempt and error, or `dead`. */
  deferOutbox?(deferral: OutboxDeferral): Promise<void>;
  /**
   * Claims up to `limit` deliveries that are due (`pending` or `retrying`,
   * `nextAttemptAt` ≤ `now`) and unclaimed or whose claim ran out, earliest
   * first: sets `claimedBy` and `claimedUntil` and returns them as updated.
   * Two concurrent claims never return the same delivery.
   */
  claimDeliveries?(claim: DeliveryClaim): Promise<Delivery[]>;
  /**
   * Replaces a delivery if its stored `claimedBy` is `claimedBy` (and, for a
   * claim, it has not run out meanwhile and been taken over); returns whether
   * it did.
   */
  updateDelivery?(delivery: Delivery, claimedBy: string | null): Promise<boolean>;
  /** One delivery, or `null`. */
  getDelivery?(id: string): Promise<Delivery | null>;
  /** Deliveries, newest first (by `createdAt`, then id), keyset-paginated. */
  listDeliveries?(query: DeliveryListQuery): Promise<Page<Delivery>>;
  /**
   * Grants the lease `name` to `owner` until `until` when it is free, ran
   * out by `now`, or is already `owner`'s; returns whether it was granted.
   * Optional: without it every scheduler sweeps, and the tickets' versions
   * still keep each SLA event to one.
   */
  acquireLease?(lease: LeaseRequest): Promise<boolean>;
  /** Gives a lease back if `owner` holds it. */
  releaseLease?(name: string, owner: string): Promise<void>;

  /**
   * Calls `listener` with a `TicketChange` for every change set
   * committed, after it committed, in commit order — never for one that
   * failed. Resolves once listening; the returned function stops it.
   * Optional: the server's `GET /events` uses it (see `sharedChanges`).
   */
  subscribe?(listener: StorageChangeListener): Promise<Unsubscribe>;
  /**
   * `true` when `subscribe` reports the commits of every process on the
   * storage (PostgreSQL's LISTEN/NOTIFY), not only this adapter's own
   * (memory, SQLite). Servers then stream from storage, so an agent sees
   * changes made through any server.
   * @default false
   */
  readonly sharedChanges?: boolean;

  /**
   * Stores an access token record. Storing a hash that is already stored
   * changes nothing (issuing the same token twice is one token). Needed by
   * hosts that give customers access tokens (`desk.accessTokens`), as are the
   * other two access-token methods.
   */
  putAccessToken?(record: AccessTokenRecord): Promise<void>;
  /** The record of a token hash, or `null`. */
  getAccessToken?(hash: string): Promise<AccessTokenRecord | null>;
  /** Sets `revokedAt` on every unrevoked token of a ticket; returns how many. */
  revokeAccessTokens?(ticketId: string, at: string): Promise<number>;

  /** Inserts or replaces a directory record (department, agent, SLA plan …) by id. */
  putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]): Promise<void>;
  /** One directory record, or `null`. */
  getRecord<K extends DirectoryKind>(kind: K, id: string): Promise<DirectoryRecords[K] | null>;
  /** Every record of a kind, ordered by id. */
  listRecords<K extends DirectoryKind>(kind: K): Promise<DirectoryRecords[K][]>;
}

/** The methods every {@link StorageAdapter} must have; `createHelpDesk` lists any that are missing. */
export const REQUIRED_STORAGE_METHODS = [
  'commit',
  'getTicket',
  'listTickets',
  'listThread',
  'listAudit',
  'getIdempotencyRecord',
  'nextSequence',
  'putRecord',
  'getRecord',
  'listRecords',
] as const satisfies readonly (keyof StorageAdapter)[];

/** The methods a {@link StorageAdapter} needs when the desk has notifiers: the outbox and the delivery log. */
export const DELIVERY_STORAGE_METHODS = [
  'listPendingOutbox',
  'dispatchOutbox',
  'deferOutbox',
  'claimDeliveries',
  'updateDelivery',
  'getDelivery',
  'listDeliveries',
] as const satisfies readonly (keyof StorageAdapter)[];

/** The methods a {@link StorageAdapter} has for claiming due tickets per ticket: both or neither. */
export const DUE_CLAIM_STORAGE_METHODS = [
  'claimDueTickets',
  'releaseDueTickets',
] as const satisfies readonly (keyof StorageAdapter)[];

/** The methods a {@link StorageAdapter} needs for customer access tokens (`desk.accessTokens`). */
export const ACCESS_TOKEN_STORAGE_METHODS = [
  'putAccessToken',
  'getAccessToken',
  'revokeAccessTokens',
] as const satisfies readonly (keyof StorageAdapter)[];
