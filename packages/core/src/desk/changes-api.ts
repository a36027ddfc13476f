import { TicketkitError } from '../errors/ticketkit-error.js';
import type { StorageChangeListener, Unsubscribe } from '../storage/storage-changes.js';
import type { StorageGateway } from '../storage/storage-gateway.js';

/** `desk.changes`: the storage's feed of committed ticket changes, when its adapter has one. */
export interface ChangesApi {
  /** Whether the storage adapter announces changes (`subscribe`). */
  readonly available: boolean;
  /**
   * Whether the feed also carries the commits of other processes on the
   * same storage (PostgreSQL), not only this desk's (memory, SQLite).
   */
  readonly shared: boolean;
  /**
   * Calls `listener` after every committed ticket change, in commit order
   * (and with `resync` when the adapter may have missed some). Rejects with
   * `STORAGE_FAILED` when the adapter has no feed (`available` is false).
   */
  subscribe(listener: StorageChangeListener): Promise<Unsubscribe>;
}

/** Builds `desk.changes` over the wrapped storage. */
export function createChangesApi(storage: StorageGateway): ChangesApi {
  const { subscribe } = storage;
  return {
    available: subscribe !== undefined,
    shared: subscribe !== undefined && storage.sharedChanges === true,
    async subscribe(listener) {
      if (!subscribe) {
        throw new TicketkitError('STORAGE_FAILED', `Storage '${storage.id}' does not announce changes (no subscribe)`);
      }
      return subscribe(listener);
    },
  };
}
