import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Calendar, type CalendarInput, calendarSchema, WEEKDAYS } from '../schemas/directory.js';
import { addOpenTime, isOpen, nextOpening, openSpans, openTimeBetween } from './business-time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const spansAsIso = (spans: { start: number; end: number }[]) => spans.map((span) => [iso(span.start), iso(span.end)]);

/** Calendars go through the schema, so the tests only use shapes a desk can store. */
const calendar = (id: string, timeZone: string, weekly: CalendarInput['weekly'], holidays: string[] = []): Calendar =>
  calendarSchema.parse({ id, timeZone, weekly, holidays });
const everyDay = (hours: [string, string][]) => Object.fromEntries(WEEKDAYS.map((day) => [day, hours]));
const nineToFive: [string, string][] = [['09:00', '17:00']];
const weekdays = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive };

// New York: EST (UTC-5) until 2026-03-08 02:00 local, EDT (UTC-4) until 2026-11-01 02:00 local, then EST.
const NEW_YORK = calendar('new-york', 'America/New_York', weekdays, ['2026-12-25']);
// London: GMT (UTC+0) until 2026-03-29 01:00Z, BST (UTC+1) until 2026-10-25 01:00Z, then GMT.
// The Sunday window is there to straddle both changes of the clocks, which happen at 01:00Z on a Sunday.
const LONDON = calendar('london', 'Europe/London', { ...weekdays, sun: [['00:00', '04:00']] });
const OVERNIGHT = calendar('overnight', 'America/New_York', everyDay([['22:00', '06:00']]), ['2026-12-25']);
const WHOLE_DAY = calendar('whole-day', 'America/New_York', everyDay([['00:00', '24:00']]));
const CALENDARS = { 'new-york': NEW_YORK, london: LONDON, overnight: OVERNIGHT, 'whole-day': WHOLE_DAY };

describe('addOpenTime by hand', () => {
  test.each([
    // Fri 16:00 EST = 21:00Z. 1h left on Friday (to 17:00), the weekend is closed, 1h from Mon 09:00 EST (14:00Z).
    ['new-york', '2026-01-09T21:00:00.000Z', 2, '2026-01-12T15:00:00.000Z'],
    // Sat 12:00 EST = 17:00Z is closed: the hour counts from Mon 09:00 EST (14:00Z) and ends at 10:00 EST.
    ['new-york', '2026-01-10T17:00:00.000Z', 1, '2026-01-12T15:00:00.000Z'],
    // Same in summer: Fri 16:00 EDT = 20:00Z; 1h Friday, 1h from Mon 09:00 EDT (13:00Z) → 10:00 EDT = 14:00Z.
    ['new-york', '2026-06-05T20:00:00.000Z', 2, '2026-06-08T14:00:00.000Z'],
    // Sat 12:00 EDT = 16:00Z; Mon 09:00 EDT = 13:00Z, +1h = 14:00Z.
    ['new-york', '2026-06-06T16:00:00.000Z', 1, '2026-06-08T14:00:00.000Z'],
    // Spring forward on Sun 03-08. Fri 16:00 EST = 21:00Z; 1h Friday; Mon 09:00 is now EDT (13:00Z), +1h = 14:00Z.
    ['new-york', '2026-03-06T21:00:00.000Z', 2, '2026-03-09T14:00:00.000Z'],
    // Fri 12:00 EST = 17:00Z; 5h Friday (12–17), 3h Monday from 09:00 EDT → 12:00 EDT = 16:00Z.
    ['new-york', '2026-03-06T17:00:00.000Z', 8, '2026-03-09T16:00:00.000Z'],
    // Fall back on Sun 11-01. Fri 16:00 EDT = 20:00Z; 1h Friday; Mon 09:00 is now EST (14:00Z), +1h = 15:00Z.
    ['new-york', '2026-10-30T20:00:00.000Z', 2, '2026-11-02T15:00:00.000Z'],
    // Sun 01:30 EDT, the first of the two 01:30s (05:30Z), is closed: Mon 09:00 EST = 14:00Z, +1h = 15:00Z.
    ['new-york', '2026-11-01T05:30:00.000Z', 1, '2026-11-02T15:00:00.000Z'],
    // Thu 12-24 16:00 EST = 21:00Z; 1h Thursday, Fri 12-25 is a holiday, 1h from Mon 12-28 09:00 EST (14:00Z).
    ['new-york', '2026-12-24T21:00:00.000Z', 2, '2026-12-28T15:00:00.000Z'],
    // Thu 09:00 EST = 14:00Z + 8h runs out exactly at Thursday's close, 17:00 EST = 22:00Z: the end, not Monday.
    ['new-york', '2026-12-24T14:00:00.000Z', 8, '2026-12-24T22:00:00.000Z'],
    // 0h from a closed instant (Sat 12:00 EST) is the next opening, Mon 09:00 EST = 14:00Z.
    ['new-york', '2026-01-10T17:00:00.000Z', 0, '2026-01-12T14:00:00.000Z'],
    // London spring, Fri 16:30 GMT = 16:30Z: 30m Friday; Sun 00:00 GMT = 00:00Z, +1h30 = 01:30Z (02:30 BST).
    ['london', '2026-03-27T16:30:00.000Z', 2, '2026-03-29T01:30:00.000Z'],
    // Fri 16:00Z: 1h Friday, 3h Sunday (00:00 GMT = 00:00Z to 04:00 BST = 03:00Z), 1h from Mon 09:00 BST = 08:00Z.
    ['london', '2026-03-27T16:00:00.000Z', 5, '2026-03-30T09:00:00.000Z'],
    // London autumn, Fri 16:00 BST = 15:00Z: 1h Friday; Sun 00:00 BST = Sat 23:00Z, +2h = 01:00Z (01:00 GMT).
    ['london', '2026-10-23T15:00:00.000Z', 3, '2026-10-25T01:00:00.000Z'],
    // 1h Friday, 5h Sunday (23:00Z to 04:00 GMT = 04:00Z), 1h from Mon 09:00 GMT = 09:00Z.
    ['london', '2026-10-23T15:00:00.000Z', 7, '2026-10-26T10:00:00.000Z'],
    // Overnight, spring night: Sat 23:00 EST = Sun 04:00Z; the span ends Sun 06:00 EDT = 10:00Z, exactly 6h later.
    ['overnight', '2026-03-08T04:00:00.000Z', 6, '2026-03-08T10:00:00.000Z'],
    // One more hour: Sunday's span starts 22:00 EDT = Mon 02:00Z, +1h = 03:00Z.
    ['overnight', '2026-03-08T04:00:00.000Z', 7, '2026-03-09T03:00:00.000Z'],
    // Overnight, autumn night: Sat 22:00 EDT = Sun 02:00Z; 8h later is 10:00Z, 05:00 EST, still inside the 9h span.
    ['overnight', '2026-11-01T02:00:00.000Z', 8, '2026-11-01T10:00:00.000Z'],
    // Whole days: Sun 00:00 EST = 05:00Z + 23h lands on Mon 00:00 EDT = 04:00Z (a 23h local day), nothing skipped.
    ['whole-day', '2026-03-08T05:00:00.000Z', 23, '2026-03-09T04:00:00.000Z'],
  ] as const)('%s: %s + %ih → %s', (name, from, hours, expected) => {
    expect(iso(addOpenTime(CALENDARS[name], at(from), hours * HOUR))).toBe(expected);
  });

  test('India (UTC+05:30, no DST): Fri 16:00 IST = 10:30Z + 2h → Mon 10:00 IST = 04:30Z', () => {
    const kolkata = calendar('kolkata', 'Asia/Kolkata', weekdays);
    expect(iso(addOpenTime(kolkata, at('2026-01-09T10:30:00Z'), 2 * HOUR))).toBe('2026-01-12T04:30:00.000Z');
  });
});

describe('openTimeBetween by hand', () => {
  test.each([
    // Mon 00:00 EST (05:00Z) to the next Mon 00:00 EST: five 8h days.
    ['new-york', '2026-01-12T05:00:00.000Z', '2026-01-19T05:00:00.000Z', 40],
    // The week holding the spring forward: Mon 00:00 EST (05:00Z) to Mon 00:00 EDT (04:00Z); still 5 × 8h.
    ['new-york', '2026-03-02T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 40],
    // The week holding the fall back: Mon 00:00 EDT (04:00Z) to Mon 00:00 EST (05:00Z).
    ['new-york', '2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 40],
    // Christmas week: Friday 12-25 is a holiday, 4 × 8h.
    ['new-york', '2026-12-21T05:00:00.000Z', '2026-12-28T05:00:00.000Z', 32],
    // Fri 16:00 EST to Mon 10:00 EDT across the spring-forward weekend: 1h + 1h.
    ['new-york', '2026-03-06T21:00:00.000Z', '2026-03-09T14:00:00.000Z', 2],
    // Fri 16:00 EDT to Mon 10:00 EST across the fall-back weekend: 1h + 1h.
    ['new-york', '2026-10-30T20:00:00.000Z', '2026-11-02T15:00:00.000Z', 2],
    // London Sunday 03-29: 00:00 GMT (00:00Z) to 04:00 BST (03:00Z) is 3 real hours.
    ['london', '2026-03-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 3],
    // London Sunday 10-25: 00:00 BST (Sat 23:00Z) to 04:00 GMT (04:00Z) is 5 real hours.
    ['london', '2026-10-24T00:00:00.000Z', '2026-10-26T00:00:00.000Z', 5],
    // Whole days on the spring-forward Sunday: local midnight to midnight, 05:00Z to 04:00Z, is 23h.
    ['whole-day', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
    // And on the fall-back Sunday: 04:00Z to 05:00Z next day, 25h.
    ['whole-day', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
    // Reversed or empty ranges count nothing.
    ['new-york', '2026-01-19T05:00:00.000Z', '2026-01-12T05:00:00.000Z', 0],
  ] as const)('%s: %s to %s = %ih', (name, from, to, hours) => {
    expect(openTimeBetween(CALENDARS[name], at(from), at(to))).toBe(hours * HOUR);
  });

  test('a whole-day calendar is open around the clock: one span for a year, open time = elapsed time', () => {
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2027-01-01T00:00:00Z');
    expect(openSpans(WHOLE_DAY, from, to)).toEqual([{ start: from, end: to }]);
    expect(openTimeBetween(WHOLE_DAY, from, to)).toBe(to - from);
  });
});

describe('openSpans by hand', () => {
  test('overnight 22:00–06:00 lasts 7 real hours on the spring-forward night, 8 on the next', () => {
    // Sat 22:00 EST = Sun 03:00Z → Sun 06:00 EDT = 10:00Z (7h); Sun 22:00 EDT = Mon 02:00Z → Mon 06:00 EDT = 10:00Z.
    expect(spansAsIso(openSpans(OVERNIGHT, at('2026-03-07T12:00:00Z'), at('2026-03-09T12:00:00Z')))).toEqual([
      ['2026-03-08T03:00:00.000Z', '2026-03-08T10:00:00.000Z'],
      ['2026-03-09T02:00:00.000Z', '2026-03-09T10:00:00.000Z'],
    ]);
  });

  test('overnight 22:00–06:00 lasts 9 real hours on the fall-back night', () => {
    // Sat 22:00 EDT = Sun 02:00Z → Sun 06:00 EST = 11:00Z (9h); Sun 22:00 EST = Mon 03:00Z → Mon 06:00 EST = 11:00Z.
    expect(spansAsIso(openSpans(OVERNIGHT, at('2026-10-31T12:00:00Z'), at('2026-11-02T12:00:00Z')))).toEqual([
      ['2026-11-01T02:00:00.000Z', '2026-11-01T11:00:00.000Z'],
      ['2026-11-02T03:00:00.000Z', '2026-11-02T11:00:00.000Z'],
    ]);
  });

  test('a holiday drops the night that starts on it and keeps the one that starts the evening before', () => {
    // Thu 12-24 22:00 EST = 12-25 03:00Z → 06:00 EST = 11:00Z kept; Fri night dropped; Sat 22:00 EST = Sun 03:00Z.
    expect(spansAsIso(openSpans(OVERNIGHT, at('2026-12-24T12:00:00Z'), at('2026-12-27T12:00:00Z')))).toEqual([
      ['2026-12-25T03:00:00.000Z', '2026-12-25T11:00:00.000Z'],
      ['2026-12-27T03:00:00.000Z', '2026-12-27T11:00:00.000Z'],
    ]);
  });

  test('London Sunday windows across both changes of the clocks', () => {
    expect(spansAsIso(openSpans(LONDON, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')))).toEqual([
      ['2026-03-29T00:00:00.000Z', '2026-03-29T03:00:00.000Z'],
    ]);
    expect(spansAsIso(openSpans(LONDON, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z')))).toEqual([
      ['2026-10-24T23:00:00.000Z', '2026-10-25T04:00:00.000Z'],
    ]);
  });

  test('touching and overlapping intervals come back as one span, also across midnight', () => {
    const cal = calendar('touching', 'UTC', {
      sat: [['22:00', '06:00']],
      sun: [
        ['06:00', '08:00'],
        ['20:00', '24:00'],
      ],
      mon: [
        ['00:00', '02:00'],
        ['09:00', '12:00'],
        ['12:00', '17:00'],
        ['10:00', '11:00'],
      ],
    });
    // 2026-01-10 is a Saturday.
    expect(spansAsIso(openSpans(cal, at('2026-01-10T00:00:00Z'), at('2026-01-13T00:00:00Z')))).toEqual([
      ['2026-01-10T22:00:00.000Z', '2026-01-11T08:00:00.000Z'],
      ['2026-01-11T20:00:00.000Z', '2026-01-12T02:00:00.000Z'],
      ['2026-01-12T09:00:00.000Z', '2026-01-12T17:00:00.000Z'],
    ]);
  });

  test('an overnight interval that overlaps the next morning counts its time once', () => {
    // Tue 20:00 → Wed 10:00 and Wed 08:00 → 12:00 overlap 08:00–10:00: one span 20:00 → 12:00, 16h, not 18h.
    const cal = calendar('overlap', 'UTC', { tue: [['20:00', '10:00']], wed: [['08:00', '12:00']] });
    const from = at('2026-01-13T00:00:00Z'); // a Tuesday
    expect(spansAsIso(openSpans(cal, from, from + 2 * DAY))).toEqual([
      ['2026-01-13T20:00:00.000Z', '2026-01-14T12:00:00.000Z'],
    ]);
    expect(openTimeBetween(cal, from, from + 2 * DAY)).toBe(16 * HOUR);
    // 15h from Tue 20:00 is Wed 11:00.
    expect(iso(addOpenTime(cal, from, 15 * HOUR))).toBe('2026-01-14T11:00:00.000Z');
  });

  test('spans are clipped to the range', () => {
    // Mon 12:00 EST (17:00Z) to Tue 10:00 EST (15:00Z): the rest of Monday and the first hour of Tuesday.
    expect(spansAsIso(openSpans(NEW_YORK, at('2026-01-12T17:00:00Z'), at('2026-01-13T15:00:00Z')))).toEqual([
      ['2026-01-12T17:00:00.000Z', '2026-01-12T22:00:00.000Z'],
      ['2026-01-13T14:00:00.000Z', '2026-01-13T15:00:00.000Z'],
    ]);
  });

  test('a local time inside the spring-forward gap maps to the end of the gap', () => {
    // 02:30 does not exist on 03-08: it becomes 03:00 EDT = 07:00Z; 04:00 EDT = 08:00Z.
    const cal = calendar('gap', 'America/New_York', { sun: [['02:30', '04:00']] });
    expect(spansAsIso(openSpans(cal, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z')))).toEqual([
      ['2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z'],
    ]);
    // On the fall-back Sunday there is no gap: 02:30 EST = 07:30Z to 04:00 EST = 09:00Z.
    expect(spansAsIso(openSpans(cal, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z')))).toEqual([
      ['2026-11-01T07:30:00.000Z', '2026-11-01T09:00:00.000Z'],
    ]);
  });

  test('a local time that occurs twice maps to its first occurrence', () => {
    // 01:30 on 11-01 happens at 05:30Z (EDT) and 06:30Z (EST); the first is used. 03:00 EST = 08:00Z: 2.5h.
    const cal = calendar('twice', 'America/New_York', { sun: [['01:30', '03:00']] });
    expect(spansAsIso(openSpans(cal, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z')))).toEqual([
      ['2026-11-01T05:30:00.000Z', '2026-11-01T08:00:00.000Z'],
    ]);
    // On the spring-forward Sunday 01:30 EST = 06:30Z and 03:00 (gap end) = 07:00Z: half an hour.
    expect(spansAsIso(openSpans(cal, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z')))).toEqual([
      ['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z'],
    ]);
  });
});

describe('isOpen and nextOpening by hand', () => {
  test.each([
    // Mon 09:00 EST = 14:00Z: a span's start is open.
    ['2026-01-12T14:00:00.000Z', true],
    // One millisecond before.
    ['2026-01-12T13:59:59.999Z', false],
    // Mon 17:00 EST = 22:00Z: a span's end is not open, the millisecond before is.
    ['2026-01-12T22:00:00.000Z', false],
    ['2026-01-12T21:59:59.999Z', true],
    // Fri 12-25 12:00 EST = 17:00Z: holiday.
    ['2026-12-25T17:00:00.000Z', false],
    // Sat 12:00 EST.
    ['2026-01-10T17:00:00.000Z', false],
  ])('New York at %s open: %s', (instant, open) => {
    expect(isOpen(NEW_YORK, at(instant))).toBe(open);
  });

  test.each([
    // Open: the instant itself.
    ['2026-01-12T15:00:00.000Z', '2026-01-12T15:00:00.000Z'],
    // Fri 17:00 EST (22:00Z), closing time: Mon 09:00 EST = 14:00Z.
    ['2026-01-09T22:00:00.000Z', '2026-01-12T14:00:00.000Z'],
    // Thu 12-24 after hours; Friday is a holiday: Mon 12-28 09:00 EST = 14:00Z.
    ['2026-12-24T23:00:00.000Z', '2026-12-28T14:00:00.000Z'],
    // Sat 03-07 after the spring-forward change is still ahead: Mon 09:00 EDT = 13:00Z.
    ['2026-03-07T17:00:00.000Z', '2026-03-09T13:00:00.000Z'],
  ])('New York next opening after %s is %s', (instant, expected) => {
    expect(iso(nextOpening(NEW_YORK, at(instant)))).toBe(expected);
  });

  test('overnight: open just after midnight on the holiday (the night began the day before), closed that evening', () => {
    // Fri 12-25 05:00 EST = 10:00Z, inside Thursday's night; Fri 23:00 EST = Sat 04:00Z, Friday's night is dropped.
    expect(isOpen(OVERNIGHT, at('2026-12-25T10:00:00Z'))).toBe(true);
    expect(isOpen(OVERNIGHT, at('2026-12-26T04:00:00Z'))).toBe(false);
  });
});

describe('without a calendar', () => {
  test('is plain millisecond arithmetic', () => {
    const t = at('2026-03-08T06:30:00Z');
    expect(addOpenTime(null, t, 5 * HOUR)).toBe(t + 5 * HOUR);
    expect(addOpenTime(null, t, 0)).toBe(t);
    expect(openTimeBetween(null, t, t + 7 * DAY)).toBe(7 * DAY);
    expect(openTimeBetween(null, t + 1, t)).toBe(0);
    expect(openSpans(null, t, t + HOUR)).toEqual([{ start: t, end: t + HOUR }]);
    expect(openSpans(null, t, t)).toEqual([]);
    expect(nextOpening(null, t)).toBe(t);
    expect(isOpen(null, t)).toBe(true);
  });
});

describe('errors', () => {
  const noHours = calendar('no-hours', 'America/New_York', {});
  // Open only on Mondays, and every Monday for three years is a holiday.
  const mondays = Array.from({ length: 160 }, (_, week) =>
    iso(at('2026-01-05T00:00:00Z') + week * 7 * DAY).slice(0, 10),
  );
  const allHolidays = calendar('all-holidays', 'Europe/London', { mon: nineToFive }, mondays);

  test('a calendar without hours throws a clear error instead of hanging', () => {
    const t = at('2026-01-01T00:00:00Z');
    expect(() => nextOpening(noHours, t)).toThrow('Calendar no-hours has no weekly opening hours');
    expect(() => addOpenTime(noHours, t, HOUR)).toThrow('Calendar no-hours has no weekly opening hours');
    // Questions about a bounded range still have answers.
    expect(isOpen(noHours, t)).toBe(false);
    expect(openTimeBetween(noHours, t, t + 3_650 * DAY)).toBe(0);
    expect(openSpans(noHours, t, t + 3_650 * DAY)).toEqual([]);
  });

  test('a calendar whose every open day is a holiday for years throws after two years of looking', () => {
    const t = at('2026-01-01T00:00:00Z');
    expect(() => nextOpening(allHolidays, t)).toThrow(/all-holidays has no open time in the 731 days from 2026-01-01/);
    expect(() => addOpenTime(allHolidays, t, HOUR)).toThrow(/no open time in the 731 days/);
  });

  test('an open calendar that then closes for years throws once the open time runs out', () => {
    // Monday 2026-01-05 is open; every Monday after it for three years is a holiday.
    const closing = calendar('closing', 'UTC', { mon: nineToFive }, mondays.slice(1));
    expect(addOpenTime(closing, at('2026-01-05T00:00:00Z'), 8 * HOUR)).toBe(at('2026-01-05T17:00:00Z'));
    expect(() => addOpenTime(closing, at('2026-01-05T00:00:00Z'), 9 * HOUR)).toThrow(
      /no open time in the 731 days from 2026-01-06/,
    );
  });

  test('refuses negative or non-finite amounts and instants', () => {
    expect(() => addOpenTime(NEW_YORK, 0, -1)).toThrow(RangeError);
    expect(() => addOpenTime(NEW_YORK, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => isOpen(NEW_YORK, Number.NaN)).toThrow(RangeError);
    expect(() => openSpans(NEW_YORK, 0, Number.NaN)).toThrow(RangeError);
  });
});

describe('properties', () => {
  const FROM = at('2026-01-01T00:00:00Z');
  const TO = at('2028-01-01T00:00:00Z');
  // Whole hours and minutes land on span boundaries often; arbitrary milliseconds find everything else.
  const instant = fc.oneof(
    fc.integer({ min: FROM, max: TO - 1 }),
    fc.integer({ min: FROM / HOUR, max: TO / HOUR - 1 }).map((hours) => hours * HOUR),
    fc.integer({ min: FROM / 60_000, max: TO / 60_000 - 1 }).map((minutes) => minutes * 60_000),
  );
  const duration = fc.oneof(
    fc.integer({ min: 0, max: 200 * HOUR }),
    fc.integer({ min: 0, max: 200 }).map((hours) => hours * HOUR),
  );
  const runs = { numRuns: 200 };

  describe.each([
    ['New York', NEW_YORK],
    ['London', LONDON],
    ['overnight', OVERNIGHT],
    ['whole day', WHOLE_DAY],
  ])('%s', (_name, cal) => {
    test('addOpenTime lands on an open instant or the exact end of a span', () => {
      fc.assert(
        fc.property(instant, duration, (from, ms) => {
          const end = addOpenTime(cal, from, ms);
          expect(end).toBeGreaterThanOrEqual(from + ms);
          if (ms > 0) expect(isOpen(cal, end - 1)).toBe(true);
          else expect(isOpen(cal, end)).toBe(true);
        }),
        runs,
      );
    });

    test('the open time up to addOpenTime is exactly the amount added', () => {
      fc.assert(
        fc.property(instant, duration, (from, ms) => {
          expect(openTimeBetween(cal, from, addOpenTime(cal, from, ms))).toBe(ms);
        }),
        runs,
      );
    });

    test('open time is additive', () => {
      fc.assert(
        fc.property(instant, instant, instant, (x, y, z) => {
          const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
          expect(openTimeBetween(cal, a, b) + openTimeBetween(cal, b, c)).toBe(openTimeBetween(cal, a, c));
        }),
        runs,
      );
    });

    test('openSpans are sorted, disjoint, non-touching, inside the range and in business hours', () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: 0, max: 14 * DAY }), (from, length) => {
          const to = from + length;
          const spans = openSpans(cal, from, to);
          let previousEnd = Number.NEGATIVE_INFINITY;
          for (const span of spans) {
            expect(span.start).toBeGreaterThan(previousEnd);
            expect(span.start).toBeGreaterThanOrEqual(from);
            expect(span.end).toBeLessThanOrEqual(to);
            expect(span.end).toBeGreaterThan(span.start);
            expect(isOpen(cal, span.start)).toBe(true);
            expect(isOpen(cal, span.end - 1)).toBe(true);
            if (span.end < to) expect(isOpen(cal, span.end)).toBe(false);
            if (span.start > from) expect(isOpen(cal, span.start - 1)).toBe(false);
            previousEnd = span.end;
          }
          const total = spans.reduce((sum, span) => sum + span.end - span.start, 0);
          expect(total).toBe(openTimeBetween(cal, from, to));
        }),
        runs,
      );
    });

    test('nextOpening is open, and nothing before it is', () => {
      fc.assert(
        fc.property(instant, (t) => {
          const next = nextOpening(cal, t);
          expect(next).toBeGreaterThanOrEqual(t);
          expect(isOpen(cal, next)).toBe(true);
          expect(openTimeBetween(cal, t, next)).toBe(0);
          if (isOpen(cal, t)) expect(next).toBe(t);
        }),
        runs,
      );
    });
  });

  test('a whole-day calendar counts elapsed time', () => {
    fc.assert(
      fc.property(instant, duration, (from, ms) => {
        expect(openTimeBetween(WHOLE_DAY, from, from + ms)).toBe(ms);
        expect(addOpenTime(WHOLE_DAY, from, ms)).toBe(from + ms);
      }),
      runs,
    );
  });
});
