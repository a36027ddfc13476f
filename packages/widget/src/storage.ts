/** Where the widget keeps drafts and access tokens: `session` (default), `local`, or `none` (memory only). */
export type StorageMode = 'session' | 'local' | 'none';

const PREFIX = 'ticketkit:';

/** A small JSON store under the `ticketkit:` prefix. */
export interface Store {
  /** The value stored under `key`, or `undefined`. */
  get<T>(key: string): T | undefined;
  /** Stores `value` (`undefined` deletes it). */
  set(key: string, value: unknown): void;
}

function webStorage(mode: StorageMode): Storage | null {
  try {
    return mode === 'local' ? localStorage : mode === 'session' ? sessionStorage : null;
  } catch {
    return null; // storage blocked (private mode, sandboxed frame): fall back to memory
  }
}

/** A store in the chosen web storage, or in memory when `none` (or the browser refuses storage). */
export function openStore(mode: StorageMode): Store {
  const web = webStorage(mode);
  const memory = new Map<string, string>();
  return {
    get(key) {
      const text = web ? web.getItem(PREFIX + key) : memory.get(key);
      try {
        return text == null ? undefined : JSON.parse(text);
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      if (value === undefined) web ? web.removeItem(PREFIX + key) : memory.delete(key);
      else web ? web.setItem(PREFIX + key, JSON.stringify(value)) : memory.set(key, JSON.stringify(value));
    },
  };
}

/** Removes everything the widget stored, in both web storages (the mode may have changed between visits). */
export function wipeStorage(): void {
  for (const mode of ['local', 'session'] as const) {
    const web = webStorage(mode);
    if (!web) continue;
    for (const key of Object.keys(web)) if (key.startsWith(PREFIX)) web.removeItem(key);
  }
}
