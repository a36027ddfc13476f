/** What a rate limit store answers for one hit. */
export interface RateLimitResult {
  /** Whether the hit is within the limit. */
  allowed: boolean;
  /** How long until the window ends (ms): the `Retry-After` of a refused hit. */
  retryAfterMs: number;
  /** Hits left in the window. */
  remaining: number;
}

/**
 * Where rate-limit counters live. The in-memory default serves one process;
 * several app servers share a store (Redis, your database) by implementing
 * this one method.
 */
export interface RateLimitStore {
  /** Counts a hit on `key` in a fixed window of `windowMs` and says whether it is within `limit`. */
  hit(key: string, limit: number, windowMs: number, now: number): RateLimitResult | Promise<RateLimitResult>;
}

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * Counters kept at most; past it, finished windows are dropped first, then
   * the oldest: memory stays bounded under a flood of distinct keys.
   * @default 100000
   */
  maxKeys?: number;
}

/** An in-memory, fixed-window {@link RateLimitStore} for one process. */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { start: number; windowMs: number; count: number }>();

  function prune(now: number) {
    for (const [key, window] of windows) if (now >= window.start + window.windowMs) windows.delete(key);
    // Still full: the oldest counters go (a Map iterates in insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    hit(key, limit, windowMs, now) {
      let window = windows.get(key);
      if (!window || now >= window.start + windowMs) {
        if (!window && windows.size >= maxKeys) prune(now);
        window = { start: now, windowMs, count: 0 };
        windows.delete(key);
        windows.set(key, window);
      }
      window.count += 1;
      const retryAfterMs = window.start + windowMs - now;
      return { allowed: window.count <= limit, retryAfterMs, remaining: Math.max(0, limit - window.count) };
    },
  };
}
