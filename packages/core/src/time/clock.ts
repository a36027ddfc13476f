import { parseDuration } from './duration.js';

/** Where ticketkit reads the time. Inject one in tests to move time by hand. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to: the clock of tests, demos and replays.
 *
 * @example
 * ```ts
 * const clock = manualClock('2026-03-02T09:00:00Z');
 * clock.advance('2h');
 * ```
 */
export interface ManualClock extends Clock {
  /** Moves the clock forward by a duration (`'2h'`) or a number of milliseconds. */
  advance(by: string | number): Date;
  /** Sets the clock to an instant. */
  set(to: Date | string): Date;
}

/** Creates a {@link ManualClock} starting at `start` (default: now). */
export function manualClock(start: Date | string = new Date()): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new TypeError(`manualClock: not an instant: ${String(start)}`);
  return {
    now: () => new Date(current),
    advance(by) {
      const ms = typeof by === 'number' ? by : parseDurationOrThrow(by);
      current += ms;
      return new Date(current);
    },
    set(to) {
      const next = new Date(to).getTime();
      if (Number.isNaN(next)) throw new TypeError(`manualClock.set: not an instant: ${String(to)}`);
      current = next;
      return new Date(current);
    },
  };
}

function parseDurationOrThrow(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TypeError(`manualClock.advance: not a duration: ${text}`);
  return ms;
}
