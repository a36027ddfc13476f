/*
 * Business-time arithmetic over a `Calendar`: which instants the desk is
 * open, how much open time lies between two instants, and when a given amount
 * of open time has elapsed. Pure: no I/O, no clock.
 *
 * How a calendar reads:
 * - Weekly hours are local wall-clock times in `calendar.timeZone`, keyed by
 *   weekday (`mon` … `sun`). `'24:00'` is the next local midnight; an interval
 *   whose end is before its start (`['22:00', '06:00']`) runs to that time on
 *   the next local date, and `['00:00', '24:00']` is a whole day.
 * - An interval belongs to the local date it starts on. A holiday removes every
 *   interval that starts on that date: an overnight interval that starts the
 *   evening before a holiday is kept, one that starts on the holiday is not.
 * - Local times become instants with the zone's real offset at that moment. A
 *   local time that does not exist (in a spring-forward gap) maps to the
 *   instant the gap ends; one that occurs twice (fall back) maps to its first
 *   occurrence. So 22:00→06:00 lasts 7 real hours on a spring-forward night and
 *   9 on a fall-back night.
 * - Open time is the union of the intervals: overlapping or touching intervals
 *   (17:00 end and 17:00 start; a day ending at 24:00 and the next starting at
 *   00:00) are one continuous span.
 *
 * A `null` calendar is open around the clock, so every function reduces to
 * plain millisecond arithmetic.
 *
 * Calendars are read as immutable values: what a calendar object compiles to
 * is cached against that object, so pass a new object rather than editing one
 * in place.
 */
import type { Calendar } from '../schemas/directory.js';

/** An interval of open time, [start, end) in UTC milliseconds. */
export interface OpenSpan {
  /** First open instant (inclusive). */
  start: number;
  /** First instant after the span (exclusive). */
  end: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far `nextOpening` and `addOpenTime` look through closed days before deciding the calendar never opens. */
const MAX_CLOSED_DAYS = 731;
/** Local dates whose spans are kept per calendar; a scan walks dates in order, so oldest-first eviction suffices. */
const MAX_CACHED_DAYS = 1_024;

/** Weekday keys in `Date#getUTCDay` order, so a day number maps to its key without a lookup table per call. */
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A calendar turned into numbers once: weekly intervals in local minutes, holidays as local day numbers. */
interface Compiled {
  id: string;
  timeZone: string;
  /** Per weekday (Sunday first), `[startMinute, endMinute]` with the end past 1440 for overnight intervals. */
  weekly: [number, number][][];
  hasHours: boolean;
  holidays: Set<number>;
  /** UTC spans per local day number (days since 1970-01-01), merged and sorted. */
  days: Map<number, readonly OpenSpan[]>;
}

const compiledCalendars = new WeakMap<Calendar, Compiled>();

/**
 * The calendar's open spans that overlap [from, to), in order, clipped to
 * [from, to). Touching spans come back merged, so no two returned spans touch.
 * `calendar` null = always open (one span).
 */
export function openSpans(calendar: Calendar | null, from: number, to: number): OpenSpan[] {
  assertInstant('from', from);
  assertInstant('to', to);
  if (to <= from) return [];
  if (calendar === null) return [{ start: from, end: to }];
  const compiled = compile(calendar);
  const spans: OpenSpan[] = [];
  for (const piece of openPieces(compiled, from, localDay(compiled.timeZone, to) + 1)) {
    if (piece.start >= to) break;
    const start = Math.max(piece.start, from);
    const end = Math.min(piece.end, to);
    const last = spans.at(-1);
    // Pieces never overlap, so `start === last.end` is the only way two can meet: they are one span.
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}

/** Open time (ms) between two instants (0 if to <= from). */
export function openTimeBetween(calendar: Calendar | null, from: number, to: number): number {
  let total = 0;
  for (const span of openSpans(calendar, from, to)) total += span.end - span.start;
  return total;
}

/**
 * The first instant >= `at` at which the desk is open (`at` itself when open).
 *
 * @throws Error when the calendar has no weekly hours, or no open time in the
 * two years after `at` (every day a holiday), rather than searching forever.
 */
export function nextOpening(calendar: Calendar | null, at: number): number {
  assertInstant('at', at);
  if (calendar === null) return at;
  const compiled = compile(calendar);
  assertHasHours(compiled);
  for (const piece of openPieces(compiled, at)) return Math.max(piece.start, at);
  // openPieces without a last day only ends by throwing; this satisfies the type checker.
  throw neverOpens(compiled, localDay(compiled.timeZone, at));
}

/**
 * The instant at which `ms` of open time has elapsed counting from `from`
 * (open time before the next opening does not count). ms = 0 returns
 * nextOpening(from). When the time runs out exactly at the end of a span, that
 * end is returned (not the next opening), so `isOpen(calendar, result - 1)`
 * holds for every ms > 0.
 *
 * @throws RangeError when `ms` is negative or not finite.
 * @throws Error when the calendar never opens (see {@link nextOpening}).
 */
export function addOpenTime(calendar: Calendar | null, from: number, ms: number): number {
  assertInstant('from', from);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`addOpenTime: ms must be a finite number >= 0, got ${ms}`);
  if (calendar === null) return from + ms;
  if (ms === 0) return nextOpening(calendar, from);
  const compiled = compile(calendar);
  assertHasHours(compiled);
  let remaining = ms;
  for (const piece of openPieces(compiled, from)) {
    const start = Math.max(piece.start, from);
    const length = piece.end - start;
    if (remaining <= length) return start + remaining;
    remaining -= length;
  }
  throw neverOpens(compiled, localDay(compiled.timeZone, from));
}

/** Whether the desk is open at `at` (a span's start is open, its end is not). Never throws for a calendar with no hours. */
export function isOpen(calendar: Calendar | null, at: number): boolean {
  assertInstant('at', at);
  if (calendar === null) return true;
  const compiled = compile(calendar);
  for (const piece of openPieces(compiled, at, localDay(compiled.timeZone, at) + 1)) return piece.start <= at;
  return false;
}

/**
 * Disjoint open pieces, in order, that end after `from`, taken from local days
 * up to `lastDay` (unbounded when omitted). Pieces may touch; callers that
 * need whole spans merge them. Unbounded, it throws after
 * {@link MAX_CLOSED_DAYS} days in a row without an opening.
 */
function* openPieces(calendar: Compiled, from: number, lastDay = Number.POSITIVE_INFINITY): Generator<OpenSpan> {
  // An interval from the previous local date can still be open (overnight, or starting at 24:00); the day before
  // that is slack for clocks that jump around midnight.
  const fromDay = localDay(calendar.timeZone, from);
  let lastOpenDay = fromDay - 1;
  // Days hand out spans in start order (local → UTC never runs backwards), but an overnight span can reach past
  // the next day's first start; clipping to the end already handed out keeps pieces disjoint.
  let cursor = Number.NEGATIVE_INFINITY;
  for (let day = fromDay - 2; day <= lastDay; day++) {
    const spans = daySpans(calendar, day);
    if (spans.length === 0) {
      if (lastDay === Number.POSITIVE_INFINITY && day - lastOpenDay > MAX_CLOSED_DAYS) {
        throw neverOpens(calendar, lastOpenDay + 1);
      }
      continue;
    }
    lastOpenDay = day;
    for (const span of spans) {
      const start = Math.max(span.start, cursor);
      if (span.end <= start) continue;
      cursor = span.end;
      if (span.end > from) yield { start, end: span.end };
    }
  }
}

/** The UTC spans of the intervals that start on local day `day`, merged; cached per calendar. */
function daySpans(calendar: Compiled, day: number): readonly OpenSpan[] {
  const cached = calendar.days.get(day);
  if (cached !== undefined) return cached;
  const spans: OpenSpan[] = [];
  const intervals = calendar.holidays.has(day) ? [] : (calendar.weekly[weekdayOf(day)] ?? []);
  for (const [startMinute, endMinute] of intervals) {
    const start = localToUtc(calendar.timeZone, day * DAY + startMinute * MINUTE);
    const end = localToUtc(calendar.timeZone, day * DAY + endMinute * MINUTE);
    // An interval wholly inside a spring-forward gap (02:00–02:30) starts and ends when the gap ends: no time.
    if (end <= start) continue;
    const last = spans.at(-1);
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  if (calendar.days.size >= MAX_CACHED_DAYS) {
    const oldest = calendar.days.keys().next();
    if (!oldest.done) calendar.days.delete(oldest.value);
  }
  calendar.days.set(day, spans);
  return spans;
}

function compile(calendar: Calendar): Compiled {
  const cached = compiledCalendars.get(calendar);
  if (cached !== undefined) return cached;
  formatterFor(calendar.timeZone); // fails here, with the zone named, rather than deep inside a scan
  const weekly = DAY_KEYS.map((key) =>
    (calendar.weekly[key] ?? [])
      .map(([from, to]): [number, number] => {
        const start = clockMinutes(from, calendar.id);
        const end = clockMinutes(to, calendar.id);
        return [start, end < start ? end + 1_440 : end];
      })
      // Equal ends are refused by the schema; an unvalidated one is read as no time rather than a whole day.
      .filter(([start, end]) => end > start)
      .sort((a, b) => a[0] - b[0]),
  );
  const compiled: Compiled = {
    id: calendar.id,
    timeZone: calendar.timeZone,
    weekly,
    hasHours: weekly.some((intervals) => intervals.length > 0),
    holidays: new Set(calendar.holidays.map((date) => dayNumber(date, calendar.id))),
    days: new Map(),
  };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

function clockMinutes(time: string, calendarId: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new Error(`Calendar ${calendarId}: '${time}' is not a time such as '09:00' or '24:00'`);
  }
  return hours * 60 + minutes;
}

function dayNumber(date: string, calendarId: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over to March; reading the date back catches it.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new Error(`Calendar ${calendarId}: holiday '${date}' is not a date such as '2026-12-25'`);
  }
  return ms / DAY;
}

/** Sunday = 0, as in {@link DAY_KEYS}; day 0 (1970-01-01) was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The local date of an instant, as a day number. */
function localDay(timeZone: string, at: number): number {
  return Math.floor(wallClock(timeZone, at) / DAY);
}

/**
 * The instant at which the zone's clocks read `local` (wall-clock time written
 * as if it were UTC). Times in a spring-forward gap map to the end of the gap;
 * times that occur twice map to the first occurrence.
 */
function localToUtc(timeZone: string, local: number): number {
  // Offsets in force a day either side cover every instant the answer can be (offsets stay within ±26h).
  const before = offsetAt(timeZone, local - DAY);
  const after = offsetAt(timeZone, local + DAY);
  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = local - offset;
    if (offsetAt(timeZone, candidate) === offset) earliest = Math.min(earliest, candidate);
  }
  if (earliest !== Number.POSITIVE_INFINITY) return earliest;
  // No offset fits, so `local` is skipped. The gap ends at the transition, the first instant whose clock reads
  // past `local`; bisect for it between the two candidates (a few dozen formats, once per cached day).
  let low = local - Math.max(before, after);
  let high = local - Math.min(before, after);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(timeZone, middle) >= local) high = middle;
    else low = middle;
  }
  return high;
}

/** The zone's offset from UTC (ms) at an instant. */
function offsetAt(timeZone: string, at: number): number {
  return wallClock(timeZone, at) - at;
}

/** The zone's wall-clock reading at `at`, written as if it were a UTC instant. */
function wallClock(timeZone: string, at: number): number {
  const fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const wholeSeconds = Math.floor(at / 1_000) * 1_000;
  // Some ICU builds print midnight as 24 even with h23; the formatter drops milliseconds, so add them back.
  const hour = fields.hour === 24 ? 0 : fields.hour;
  return Date.UTC(fields.year, fields.month - 1, fields.day, hour, fields.minute, fields.second) + (at - wholeSeconds);
}

/** One formatter per zone: creating one costs far more than formatting. Bounded by the number of IANA zones. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function assertInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be an instant in milliseconds, got ${value}`);
}

function assertHasHours(calendar: Compiled): void {
  if (!calendar.hasHours) {
    throw new Error(`Calendar ${calendar.id} has no weekly opening hours, so the desk never opens`);
  }
}

function neverOpens(calendar: Compiled, firstClosedDay: number): Error {
  const date = new Date(firstClosedDay * DAY).toISOString().slice(0, 10);
  return new Error(
    `Calendar ${calendar.id} has no open time in the ${MAX_CLOSED_DAYS} days from ${date} (${calendar.timeZone}): ` +
      'are all of its days with hours holidays?',
  );
}
