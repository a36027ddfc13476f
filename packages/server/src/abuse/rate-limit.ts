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
   * Counters kept at most; past it, the counter whose window started first
   * goes (finished windows are dropped as they come to the front): memory
   * stays bounded under a flood of distinct keys, and each hit does constant work.
   * @default 100000
   */
  maxKeys?: number;
}

// Finished windows dropped from the front per hit: enough to keep up with the hits that add keys, and a bound.
const SWEEP_PER_HIT = 2;

/** An in-memory, fixed-window {@link RateLimitStore} for one process. */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  // In the order the windows started: a new window is deleted and set again, so it moves to the end. The front
  // is therefore the oldest window, and eviction never scans — a full scan per new key was 4 s of blocking work
  // for 1,000 new keys at 100,000 live ones.
  const windows = new Map<string, { start: number; windowMs: number; count: number }>();

  function sweep(now: number) {
    let swept = 0;
    for (const [key, window] of windows) {
      if (swept === SWEEP_PER_HIT || now < window.start + window.windowMs) break;
      windows.delete(key);
      swept += 1;
    }
  }

  function evictOldest() {
    for (const key of windows.keys()) {
      windows.delete(key);
      return;
    }
  }

  return {
    hit(key, limit, windowMs, now) {
      let window = windows.get(key);
      if (!window || now >= window.start + windowMs) {
        windows.delete(key);
        sweep(now);
        while (windows.size >= maxKeys) evictOldest();
        window = { start: now, windowMs, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      const retryAfterMs = window.start + windowMs - now;
      return { allowed: window.count <= limit, retryAfterMs, remaining: Math.max(0, limit - window.count) };
    },
  };
}
