import { isTicketkitError, TicketkitError, validationError } from '../errors/ticketkit-error.js';
import type { Ticket } from '../schemas/ticket.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import {
  DELIVERY_STORAGE_METHODS,
  DUE_CLAIM_STORAGE_METHODS,
  type DueTicketQuery,
  type Page,
  REQUIRED_STORAGE_METHODS,
  type StorageAdapter,
  type TicketFilter,
  type TicketSearchQuery,
} from './storage-adapter.js';
import { compareTickets, searchScore } from './ticket-filter.js';

/** A storage adapter as core uses it: every optional method present, every failure typed. */
export type StorageGateway = Required<Omit<StorageAdapter, 'init' | 'close' | OptionalCapability>> &
  Pick<StorageAdapter, 'id' | 'init' | 'close' | OptionalCapability> & {
    /** Whether the adapter has the outbox and delivery methods (`DELIVERY_STORAGE_METHODS`). */
    readonly hasDeliveries: boolean;
  };

// Capabilities core has no fallback for: present on the gateway only when the adapter has them.
type OptionalCapability = 'claimDueTickets' | 'releaseDueTickets' | 'subscribe' | 'sharedChanges';

/** The methods of {@link DELIVERY_STORAGE_METHODS} that `storage` lacks. */
export function missingDeliveryMethods(storage: StorageAdapter): string[] {
  return DELIVERY_STORAGE_METHODS.filter((name) => typeof storage[name] !== 'function');
}

/** Checks an adapter at startup and lists every missing method in one error. */
export function assertStorageAdapter(storage: unknown): asserts storage is StorageAdapter {
  if (typeof storage !== 'object' || storage === null) {
    throw validationError(
      [{ path: ['storage'], message: 'is required: pass memoryStorage(), sqliteStorage() …' }],
      'options',
    );
  }
  const missing = REQUIRED_STORAGE_METHODS.filter(
    (name) => typeof (storage as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw validationError(
      missing.map((name) => ({ path: ['storage', name], message: 'is a required StorageAdapter method' })),
      'options',
    );
  }
}

function guard<T>(adapterId: string, operation: string, run: () => Promise<T>): Promise<T> {
  const fail = (error: unknown): never => {
    if (isTicketkitError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TicketkitError('STORAGE_FAILED', `Storage '${adapterId}' failed in ${operation}: ${reason}`, {
      cause: error,
    });
  };
  // Not an async function: on the hot path every storage call would pay for an extra promise.
  try {
    return run().then(undefined, fail);
  } catch (error) {
    return Promise.reject(error).then(undefined, fail);
  }
}

async function countByPaging(adapter: StorageAdapter, filters: Readonly<Record<string, TicketFilter>>) {
  const counts: Record<string, number> = {};
  for (const [name, filter] of Object.entries(filters)) {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page: Page<Ticket> = await adapter.listTickets({ filter, order: 'oldest', limit: 100, cursor });
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    counts[name] = count;
  }
  return counts;
}

async function searchByScanning(adapter: StorageAdapter, query: TicketSearchQuery): Promise<Page<Ticket>> {
  const matches: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Ticket> = await adapter.listTickets({ filter: query.filter, order: 'newest', limit: 100, cursor });
    for (const ticket of page.items) {
      const bodies = (await adapter.listThread(ticket.id)).map((entry) => entry.body);
      if (searchScore(ticket, bodies, query.terms) > 0) matches.push(ticket);
    }
    cursor = page.nextCursor;
  } while (cursor);
  matches.sort((a, b) => compareTickets(a, b, 'newest'));
  const offset = query.cursor ? (decodeCursor(query.cursor, ['number'])[0] as number) : 0;
  const items = matches.slice(offset, offset + query.limit);
  return { items, nextCursor: offset + query.limit < matches.length ? encodeCursor([offset + query.limit]) : null };
}

async function dueTicketsByScanning(adapter: StorageAdapter, query: DueTicketQuery): Promise<Ticket[]> {
  const due: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Ticket> = await adapter.listTickets({ filter: {}, order: 'oldest', limit: 100, cursor });
    for (const ticket of page.items) {
      if (ticket.nextCheckAt !== null && ticket.nextCheckAt <= query.dueBefore) due.push(ticket);
    }
    cursor = page.nextCursor;
  } while (cursor);
  const key = (ticket: Ticket) => `${ticket.nextCheckAt}|${ticket.id}`;
  return due.sort((a, b) => (key(a) < key(b) ? -1 : 1)).slice(0, query.limit);
}

/**
 * Wraps an adapter for core: failures other than `TicketkitError`s become
 * `STORAGE_FAILED` with the adapter's error as `cause`, and the optional
 * methods fall back to slower generic versions.
 */
export function createStorageGateway(adapter: StorageAdapter): StorageGateway {
  const run = <T>(operation: string, work: () => Promise<T>) => guard(adapter.id, operation, work);
  // createHelpDesk refuses an adapter without the delivery methods when there are notifiers, so this is a bug guard.
  const need = <F extends (...args: never[]) => unknown>(method: F | undefined, what = 'outbox and delivery'): F => {
    if (!method) throw new Error(`Storage '${adapter.id}' has no ${what} methods`);
    return method.bind(adapter) as F;
  };
  // Access tokens are refused clearly when used on an adapter without them (they are the server's, and optional).
  const tokens = 'access-token (putAccessToken, getAccessToken, revokeAccessTokens)';
  const claims = DUE_CLAIM_STORAGE_METHODS.every((name) => typeof adapter[name] === 'function');
  return {
    id: adapter.id,
    hasDeliveries: missingDeliveryMethods(adapter).length === 0,
    ...(claims && {
      claimDueTickets: (claim) => run('claimDueTickets', () => need(adapter.claimDueTickets, 'due-claim')(claim)),
      releaseDueTickets: (ticketIds, owner) =>
        run('releaseDueTickets', () => need(adapter.releaseDueTickets, 'due-claim')(ticketIds, owner)),
    }),
    ...(typeof adapter.subscribe === 'function' && {
      subscribe: (listener) => run('subscribe', () => need(adapter.subscribe, 'subscribe')(listener)),
      sharedChanges: adapter.sharedChanges === true,
    }),
    init: adapter.init && (() => run('init', () => adapter.init?.() ?? Promise.resolve())),
    close: adapter.close && (() => run('close', () => adapter.close?.() ?? Promise.resolve())),
    commit: (changes) =>
      run('commit', () => {
        if (changes.accessTokens?.length) need(adapter.putAccessToken, tokens);
        return adapter.commit(changes);
      }),
    getTicket: (lookup) => run('getTicket', () => adapter.getTicket(lookup)),
    listTickets: (query) => run('listTickets', () => adapter.listTickets(query)),
    countTickets: (filters) =>
      run('countTickets', () =>
        adapter.countTickets ? adapter.countTickets(filters) : countByPaging(adapter, filters),
      ),
    searchTickets: (query) =>
      run('searchTickets', () =>
        adapter.searchTickets ? adapter.searchTickets(query) : searchByScanning(adapter, query),
      ),
    listDueTickets: (query) =>
      run('listDueTickets', () =>
        adapter.listDueTickets ? adapter.listDueTickets(query) : dueTicketsByScanning(adapter, query),
      ),
    listPendingOutbox: (query) => run('listPendingOutbox', () => need(adapter.listPendingOutbox)(query)),
    dispatchOutbox: (dispatch) => run('dispatchOutbox', () => need(adapter.dispatchOutbox)(dispatch)),
    deferOutbox: (deferral) => run('deferOutbox', () => need(adapter.deferOutbox)(deferral)),
    claimDeliveries: (claim) => run('claimDeliveries', () => need(adapter.claimDeliveries)(claim)),
    updateDelivery: (delivery, claimedBy) =>
      run('updateDelivery', () => need(adapter.updateDelivery)(delivery, claimedBy)),
    getDelivery: (id) => run('getDelivery', () => need(adapter.getDelivery)(id)),
    listDeliveries: (query) => run('listDeliveries', () => need(adapter.listDeliveries)(query)),
    // Without leases every scheduler sweeps; ticket versions still keep each transition to one.
    acquireLease: (lease) =>
      run('acquireLease', () => (adapter.acquireLease ? adapter.acquireLease(lease) : Promise.resolve(true))),
    releaseLease: (name, owner) =>
      run('releaseLease', () => (adapter.releaseLease ? adapter.releaseLease(name, owner) : Promise.resolve())),
    putAccessToken: (record) => run('putAccessToken', () => need(adapter.putAccessToken, tokens)(record)),
    getAccessToken: (hash) => run('getAccessToken', () => need(adapter.getAccessToken, tokens)(hash)),
    revokeAccessTokens: (ticketId, at) =>
      run('revokeAccessTokens', () => need(adapter.revokeAccessTokens, tokens)(ticketId, at)),
    listThread: (ticketId) => run('listThread', () => adapter.listThread(ticketId)),
    listAudit: (ticketId) => run('listAudit', () => adapter.listAudit(ticketId)),
    getIdempotencyRecord: (scope, key) => run('getIdempotencyRecord', () => adapter.getIdempotencyRecord(scope, key)),
    nextSequence: (name) => run('nextSequence', () => adapter.nextSequence(name)),
    putRecord: (kind, record) => run('putRecord', () => adapter.putRecord(kind, record)),
    getRecord: (kind, id) => run('getRecord', () => adapter.getRecord(kind, id)),
    listRecords: (kind) => run('listRecords', () => adapter.listRecords(kind)),
  };
}
