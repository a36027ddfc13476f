/** A sliding-window count per key, with a bounded number of keys (the oldest forgotten first). */
export interface RateLimiter {
  /** Counts one more for `key`; `false` when that exceeds the limit. */
  take(key: string, now: number): boolean;
}

/** Creates a {@link RateLimiter} allowing `limit` events per `windowMs` per key. */
export function createRateLimiter(limit: number, windowMs: number, maxKeys = 10_000): RateLimiter {
  const hits = new Map<string, number[]>();
  return {
    take(key, now) {
      const recent = (hits.get(key) ?? []).filter((at) => now - at < windowMs);
      hits.delete(key);
      if (hits.size >= maxKeys) hits.delete(hits.keys().next().value as string);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      return true;
    },
  };
}
