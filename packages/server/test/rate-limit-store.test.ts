import { type MemoryRateLimitStoreOptions, memoryRateLimitStore, type RateLimitResult } from '@ticketkit/server';
import { expect, test } from 'vitest';

/**
 * The in-memory rate-limit store: fixed windows, a bound on its keys, and
 * constant work per hit when full (it scanned every key per new one: 4 s of
 * blocking work for 1,000 new keys at 100,000 live ones).
 */

/** The memory store answers at once: its hits as plain results. */
function syncStore(options: MemoryRateLimitStoreOptions = {}) {
  const memory = memoryRateLimitStore(options);
  return {
    hit: (key: string, limit: number, windowMs: number, now: number) =>
      memory.hit(key, limit, windowMs, now) as RateLimitResult,
  };
}

/** Counts the Map operations and Map entries visited while `run` runs (synchronously). */
function countMapWork(run: () => void): number {
  const proto = Map.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
  const names: (string | symbol)[] = ['get', 'set', 'delete', 'has', 'keys', 'values', 'entries', Symbol.iterator];
  const originals = new Map(names.map((name) => [name, proto[name]]));
  let work = 0;
  for (const name of names) {
    const original = originals.get(name) as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      work += 1;
      const result = original.apply(this, args);
      if (typeof name === 'symbol' || name === 'keys' || name === 'values' || name === 'entries') {
        const iterator = result as Iterator<unknown>;
        return {
          next: () => {
            work += 1;
            return iterator.next();
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      }
      return result;
    };
  }
  try {
    run();
  } finally {
    for (const name of names) proto[name] = originals.get(name) as (...args: unknown[]) => unknown;
  }
  return work;
}

test('fixed windows: counts within the window, refuses past the limit, starts again after it', () => {
  const store = syncStore();
  const hit = (now: number) => store.hit('ip:1', 2, 1_000, now);
  expect(hit(0)).toEqual({ allowed: true, retryAfterMs: 1_000, remaining: 1 });
  expect(hit(400)).toEqual({ allowed: true, retryAfterMs: 600, remaining: 0 });
  expect(hit(999)).toEqual({ allowed: false, retryAfterMs: 1, remaining: 0 });
  expect(hit(1_000)).toEqual({ allowed: true, retryAfterMs: 1_000, remaining: 1 });
});

test('when full, the oldest window goes and the newer ones keep counting', () => {
  const store = syncStore({ maxKeys: 3 });
  const hit = (key: string, now: number) => store.hit(key, 1, 60_000, now);
  hit('a', 0);
  hit('b', 1);
  hit('c', 2);
  expect(hit('b', 3).allowed, 'b is counted').toBe(false);
  hit('d', 4); // full: a, the oldest window, goes
  expect(hit('a', 5).allowed, 'a was evicted and starts afresh').toBe(true);
  // That new window for a evicted b (now the oldest); c and d are still counted.
  expect(hit('c', 6).allowed).toBe(false);
  expect(hit('d', 7).allowed).toBe(false);
  expect(hit('b', 8).allowed, 'b was evicted').toBe(true);
});

test('finished windows are dropped as they reach the front, so live counters are not evicted for them', () => {
  const store = syncStore({ maxKeys: 3 });
  store.hit('short-1', 1, 10, 0);
  store.hit('short-2', 1, 10, 0);
  store.hit('long', 1, 60_000, 1);
  // Both short windows have ended: they go, and the long one stays although the store was full.
  store.hit('new', 1, 60_000, 100);
  expect(store.hit('long', 1, 60_000, 101).allowed, 'long is still counted').toBe(false);
  expect(store.hit('new', 1, 60_000, 102).allowed, 'new is counted').toBe(false);
});

test('a full store does constant work per new key (Map operations counted, not time)', () => {
  const maxKeys = 5_000;
  const store = syncStore({ maxKeys });
  for (let index = 0; index < maxKeys; index++) store.hit(`live:${index}`, 10, 3_600_000, 0);
  const newKeys = 1_000;
  const work = countMapWork(() => {
    for (let index = 0; index < newKeys; index++) store.hit(`new:${index}`, 10, 3_600_000, 1);
  });
  // Before: every new key scanned all 5,000 live ones (about 5 million entries visited here).
  expect(work / newKeys).toBeLessThanOrEqual(12);
  // The newest keys are all still counted; the first live ones were evicted.
  expect(store.hit(`new:${newKeys - 1}`, 1, 3_600_000, 2).allowed).toBe(false);
  expect(store.hit('live:0', 1, 3_600_000, 2).allowed).toBe(true);
});
