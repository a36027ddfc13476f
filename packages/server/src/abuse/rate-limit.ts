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

interface Window {
  key: string;
  start: number;
  windowMs: number;
  count: number;
}

/** An in-memory, fixed-window {@link RateLimitStore} for one process. */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, Window>();
  // The windows in the order they started, oldest at `head`: eviction takes the front and never scans (a full
  // scan per new key was 4 s of blocking work for 1,000 new keys at 100,000 live ones). A key whose window
  // started again is in it twice; the older entry is stale (no longer the Map's) and skipped, each only once.
  // Not the Map's own order: V8 leaves deleted entries as holes that every iterator from the front walks again.
  let order: Window[] = [];
  let head = 0;

  function front(): Window | undefined {
    while (head < order.length) {
      const window = order[head] as Window;
      if (windows.get(window.key) === window) return window;
      head += 1;
    }
    return undefined;
  }

  function drop(window: Window) {
    windows.delete(window.key);
    head += 1;
  }

  function compact() {
    // Amortized: at most once per `maxKeys` new windows, and the work is the length of what is left.
    if (head > 1_024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    } else if (order.length - head > 2 * maxKeys + 1_024) {
      order = order.slice(head).filter((window) => windows.get(window.key) === window);
      head = 0;
    }
  }

  return {
    hit(key, limit, windowMs, now) {
      let window = windows.get(key);
      if (!window || now >= window.start + windowMs) {
        windows.delete(key);
        for (let swept = 0; swept < SWEEP_PER_HIT; swept++) {
          const oldest = front();
          if (!oldest || now < oldest.start + oldest.windowMs) break;
          drop(oldest);
        }
        while (windows.size >= maxKeys) drop(front() as Window);
        window = { key, start: now, windowMs, count: 0 };
        windows.set(key, window);
        order.push(window);
        compact();
      }
      window.count += 1;
      const retryAfterMs = window.start + windowMs - now;
      return { allowed: window.count <= limit, retryAfterMs, remaining: Math.max(0, limit - window.count) };
    },
  };
}
