import type { DirectoryKind, DirectoryRecords } from '../schemas/directory.js';
import type { StorageGateway } from '../storage/storage-gateway.js';

/** How commands read the directory: through a short-lived cache. */
export interface DirectoryReader {
  /** One record, or `null`. */
  get<K extends DirectoryKind>(kind: K, id: string): Promise<DirectoryRecords[K] | null>;
  /** Every record of a kind. */
  list<K extends DirectoryKind>(kind: K): Promise<DirectoryRecords[K][]>;
  /** Drops what is cached for a kind (after this desk wrote to it). */
  forget(kind: DirectoryKind): void;
}

/** Freezes a record and everything in it: cached records are shared, so nobody may change them. */
function freeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  }
  return value;
}

/**
 * Reads directory records (agents, departments, teams …) through a cache that
 * keeps each answer for `ttlMs` of wall time. Every command reads the acting
 * agent and usually a department or plan; the cache spares it those queries.
 * Writes through this desk clear the kind at once; a change made by another
 * process is seen within `ttlMs`. `ttlMs` 0 reads storage every time.
 */
export function createDirectoryCache(storage: StorageGateway, ttlMs: number): DirectoryReader {
  const entries = new Map<string, { until: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (ttlMs <= 0) return load();
    const now = performance.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    const value = load().then(freeze);
    entries.set(key, { until: now + ttlMs, value });
    // A failed read is not remembered.
    value.then(undefined, () => entries.delete(key));
    return value;
  };
  return {
    get: (kind, id) => cached(`${kind}\u0000${id}`, () => storage.getRecord(kind, id)),
    list: (kind) => cached(`${kind}\u0000*`, () => storage.listRecords(kind)),
    forget(kind) {
      for (const key of entries.keys()) if (key.startsWith(`${kind}\u0000`)) entries.delete(key);
    },
  };
}
