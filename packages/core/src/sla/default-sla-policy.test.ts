import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { actors, createTestDesk } from '../../test/support/test-desk.js';
import type { AuditEvent } from '../schemas/audit.js';
import {
  type Calendar,
  type CalendarInput,
  calendarSchema,
  type SlaPlan,
  type SlaPlanInput,
  slaPlanSchema,
  WEEKDAYS,
} from '../schemas/directory.js';
import type { SlaState, TicketStatus } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';
import type { SlaEvaluation, SlaTargetEvaluation, SlaTargetState } from '../sdk/sla-policy.js';
import { makeAuditEvent, makeTicket } from '../testing/fixtures.js';
import { parseDuration } from '../time/duration.js';
import { addOpenTime, isOpen, openTimeBetween } from './business-time.js';
import { defaultSlaPolicy } from './default-sla-policy.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/*
 * Offsets the hand-computed rows rely on (2026):
 * - New York: EST (UTC-5) until Sun 03-08 02:00 local (07:00Z), EDT (UTC-4) until Sun 11-01 02:00 local (06:00Z).
 * - London: GMT (UTC+0) until Sun 03-29 01:00Z, BST (UTC+1) until Sun 10-25 01:00Z.
 * Weekdays: 01-12, 03-02, 03-09, 10-26, 11-02, 12-28 are Mondays; 12-25 is a Friday; 11-26 is Thanksgiving Thursday.
 */

// Calendars and plans go through the schemas, so the tests only use shapes a desk can store.
const calendar = (input: Omit<CalendarInput, 'name'>): Calendar => calendarSchema.parse(input);
const plan = (input: Pick<SlaPlanInput, 'id'> & Partial<SlaPlanInput>): SlaPlan =>
  slaPlanSchema.parse({ name: input.id, firstResponseWithin: '4h', resolveWithin: '16h', ...input });

const nineToFive: [string, string][] = [['09:00', '17:00']];
const weekdays = { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive };
const NEW_YORK_INPUT = {
  id: 'new-york',
  timeZone: 'America/New_York',
  weekly: weekdays,
  // Thanksgiving and the day after, and Christmas: two holidays that run into a weekend.
  holidays: ['2026-11-26', '2026-11-27', '2026-12-25'],
} satisfies CalendarInput;
const NEW_YORK = calendar(NEW_YORK_INPUT);
// Christmas on Friday and the substitute Boxing Day on Monday 12-28: closed from Thursday night to Tuesday.
const LONDON = calendar({
  id: 'london',
  timeZone: 'Europe/London',
  weekly: weekdays,
  holidays: ['2026-12-25', '2026-12-28'],
});
const OVERNIGHT = calendar({
  id: 'overnight',
  timeZone: 'America/New_York',
  weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, [['22:00', '06:00']]])),
  holidays: ['2026-12-25'],
});

// 4h to the first response, 16h (two business days of 9–17) to resolve, at risk at 75% unless stated.
const NY = plan({ id: 'ny', calendarId: 'new-york' });
const NY_RUNNING = plan({ id: 'ny-running', calendarId: 'new-york', pauseWhileAwaitingCustomer: false });
const NY_HALF = plan({ id: 'ny-half', calendarId: 'new-york', warnAt: 0.5 });
const LONDON_PLAN = plan({ id: 'london', calendarId: 'london' });
const AROUND_THE_CLOCK = plan({ id: 'around-the-clock', resolveWithin: '1d' });
const NIGHTS = plan({ id: 'nights', resolveWithin: '12h', calendarId: 'overnight' });

type Change = readonly [TicketStatus, string];
const INACTIVE = new Set<TicketStatus>(['resolved', 'closed']);
const COMMAND_FOR: Record<TicketStatus, string> = {
  open: 'reply',
  in_progress: 'startWork',
  awaiting_customer: 'requestInfo',
  resolved: 'resolve',
  closed: 'close',
};

interface Story {
  /** When the ticket was opened. */
  created: string;
  /** Status changes after opening, oldest first. */
  changes?: readonly Change[];
  /** The first agent reply, if any. */
  firstRespondedAt?: string | null;
  /** The ticket's plan (only its id lands on the ticket). */
  plan?: SlaPlan;
}

/** A ticket and its audit history as the desk would store them after `changes`. */
function storyline({ created, changes = [], firstRespondedAt = null, plan: chosen = NY }: Story) {
  const status = changes.at(-1)?.[0] ?? 'open';
  // A resolved or closed ticket keeps the time it was last resolved; reopening clears it.
  let resolvedAt: string | null = null;
  for (let index = changes.length - 1; index >= 0 && INACTIVE.has(changes[index]?.[0] ?? 'open'); index--) {
    if (changes[index]?.[0] === 'resolved') resolvedAt = changes[index]?.[1] ?? null;
  }
  const ticket = makeTicket({
    createdAt: created,
    updatedAt: changes.at(-1)?.[1] ?? created,
    statusChangedAt: changes.at(-1)?.[1] ?? created,
    status,
    slaPlanId: chosen.id,
    firstRespondedAt,
    resolvedAt,
    version: changes.length + 1,
  });
  const history: AuditEvent[] = [
    makeAuditEvent(ticket, { at: created, version: 1 }),
    ...changes.map(([to, when], index) =>
      makeAuditEvent(ticket, {
        command: COMMAND_FOR[to],
        at: when,
        version: index + 2,
        to: { status: to, assignment: 'assigned', sla: 'on_track' },
      }),
    ),
  ];
  return { ticket, history };
}

const policy = defaultSlaPolicy();

interface Expected {
  dueAt: string | null;
  warnAt: string | null;
  state: SlaTargetState;
  /** Open time left, in hours. */
  remaining: number;
}
const expectTarget = (dueAt: string | null, warnAt: string | null, state: SlaTargetState, remaining: number) =>
  ({ dueAt, warnAt, state, remaining }) satisfies Expected;

interface Row extends Story {
  name: string;
  calendar: Calendar | null;
  plan: SlaPlan;
  now: string;
  firstResponse: Expected;
  resolution: Expected;
  state: SlaState;
}

const rows: Row[] = [
  // ---- New York across the changes of the clocks -------------------------------------------------------------
  {
    // Fri 03-06 15:00 EST = 20:00Z. First response: 2h Friday (to 17:00 EST), 2h from Mon 09:00, which is now
    // EDT = 13:00Z → 15:00Z; at risk after 3h → Mon 14:00Z. Resolution: 2h Fri + 8h Mon (13:00Z–21:00Z) + 6h Tue
    // from 13:00Z → 19:00Z; at risk after 12h → Tue 15:00Z. Now Mon 10:30 EDT: 2h + 1.5h have run.
    name: 'New York, spring forward: Friday afternoon to Monday in summer time',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-03-06T20:00:00.000Z',
    now: '2026-03-09T14:30:00.000Z',
    firstResponse: expectTarget('2026-03-09T15:00:00.000Z', '2026-03-09T14:00:00.000Z', 'at_risk', 0.5),
    resolution: expectTarget('2026-03-10T19:00:00.000Z', '2026-03-10T15:00:00.000Z', 'on_track', 12.5),
    state: 'at_risk',
  },
  {
    // Fri 03-06 09:00 EST = 14:00Z: first response by 13:00 EST = 18:00Z, replied 11:30 EST (2.5h in, 1.5h left).
    // Resolution: all of Friday (8h, to 22:00Z), all of Monday 09:00–17:00 EDT = 13:00Z–21:00Z: due at Monday's
    // close, not Tuesday's opening. At risk after 12h → Mon 13:00 EDT = 17:00Z. Now 16:00 EDT: 15h run, 1h left.
    name: 'New York, spring forward: a two-day target ends exactly at Monday closing',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-03-06T14:00:00.000Z',
    firstRespondedAt: '2026-03-06T16:30:00.000Z',
    now: '2026-03-09T20:00:00.000Z',
    firstResponse: expectTarget('2026-03-06T18:00:00.000Z', '2026-03-06T17:00:00.000Z', 'met', 1.5),
    resolution: expectTarget('2026-03-09T21:00:00.000Z', '2026-03-09T17:00:00.000Z', 'at_risk', 1),
    state: 'at_risk',
  },
  {
    // Warning at half time: Fri 15:00 EST + 2h is exactly Friday's close, 17:00 EST = 22:00Z (the end of the
    // span, not Monday morning), so the ticket is at risk all weekend. Due Mon 09:00 EDT + 2h = 15:00Z.
    // Resolution warns after 8h: 2h Fri + 6h Mon → 15:00 EDT = 19:00Z.
    name: 'warnAt 0.5: at risk from Friday closing through the weekend',
    calendar: NEW_YORK,
    plan: NY_HALF,
    created: '2026-03-06T20:00:00.000Z',
    now: '2026-03-07T12:00:00.000Z',
    firstResponse: expectTarget('2026-03-09T15:00:00.000Z', '2026-03-06T22:00:00.000Z', 'at_risk', 2),
    resolution: expectTarget('2026-03-10T19:00:00.000Z', '2026-03-09T19:00:00.000Z', 'on_track', 14),
    state: 'at_risk',
  },
  {
    // Fri 10-30 15:00 EDT = 19:00Z. First response: 2h Friday, 2h from Mon 09:00, now EST = 14:00Z → 16:00Z;
    // at risk at 15:00Z. Resolution: 2h + 8h Mon (14:00Z–22:00Z) + 6h Tue from 14:00Z → 20:00Z; at risk after
    // 12h → Tue 16:00Z. Now Mon 12:00 EST: first response is past due; resolution has run 2h + 3h.
    name: 'New York, fall back: Friday afternoon to Monday in standard time, first response breached',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-10-30T19:00:00.000Z',
    now: '2026-11-02T17:00:00.000Z',
    firstResponse: expectTarget('2026-11-02T16:00:00.000Z', '2026-11-02T15:00:00.000Z', 'breached', 0),
    resolution: expectTarget('2026-11-03T20:00:00.000Z', '2026-11-03T16:00:00.000Z', 'on_track', 11),
    state: 'breached',
  },

  // ---- London across the changes of the clocks ---------------------------------------------------------------
  {
    // Fri 03-27 16:00 GMT = 16:00Z. First response: 1h Friday, 3h from Mon 09:00 BST = 08:00Z → 11:00Z; at risk
    // after 3h → 10:00Z. Resolution: 1h + 8h Mon (08:00Z–16:00Z) + 7h Tue from 08:00Z → 15:00Z; at risk after
    // 12h → Tue 11:00Z. Now 16:30Z Friday: half an hour has run.
    name: 'London, spring forward',
    calendar: LONDON,
    plan: LONDON_PLAN,
    created: '2026-03-27T16:00:00.000Z',
    now: '2026-03-27T16:30:00.000Z',
    firstResponse: expectTarget('2026-03-30T11:00:00.000Z', '2026-03-30T10:00:00.000Z', 'on_track', 3.5),
    resolution: expectTarget('2026-03-31T15:00:00.000Z', '2026-03-31T11:00:00.000Z', 'on_track', 15.5),
    state: 'on_track',
  },
  {
    // Fri 10-23 16:00 BST = 15:00Z. First response: 1h Friday, 3h from Mon 09:00 GMT = 09:00Z → 12:00Z; the reply
    // at 12:30Z is late. Resolution: 1h + 8h Mon (09:00Z–17:00Z) + 7h Tue → 16:00Z; at risk after 12h → Tue
    // 12:00Z. Now Mon 13:00Z: 1h + 4h run. A late first response no longer counts for an open ticket's state.
    name: 'London, fall back: first response met late',
    calendar: LONDON,
    plan: LONDON_PLAN,
    created: '2026-10-23T15:00:00.000Z',
    firstRespondedAt: '2026-10-26T12:30:00.000Z',
    now: '2026-10-26T13:00:00.000Z',
    firstResponse: expectTarget('2026-10-26T12:00:00.000Z', '2026-10-26T11:00:00.000Z', 'met_late', 0),
    resolution: expectTarget('2026-10-27T16:00:00.000Z', '2026-10-27T12:00:00.000Z', 'on_track', 11),
    state: 'on_track',
  },
  {
    // Thu 12-24 15:00 GMT: 2h Thursday, then Christmas (Fri), the weekend and the Monday holiday are closed.
    // First response: 2h from Tue 12-29 09:00Z → 11:00Z, at risk at 10:00Z = now. Resolution: 2h + 8h Tue + 6h Wed
    // from 09:00Z → 15:00Z; at risk after 12h → Wed 11:00Z.
    name: 'London: a holiday Friday, a weekend and a holiday Monday in a row',
    calendar: LONDON,
    plan: LONDON_PLAN,
    created: '2026-12-24T15:00:00.000Z',
    now: '2026-12-29T10:00:00.000Z',
    firstResponse: expectTarget('2026-12-29T11:00:00.000Z', '2026-12-29T10:00:00.000Z', 'at_risk', 1),
    resolution: expectTarget('2026-12-30T15:00:00.000Z', '2026-12-30T11:00:00.000Z', 'on_track', 13),
    state: 'at_risk',
  },

  // ---- Around the clock (no calendar): elapsed real time, the wall clock shifts -------------------------------
  {
    // Sat 23:00 EST = 03-08 04:00Z. 4h later is 08:00Z, which New York reads as 04:00 EDT (five wall-clock hours
    // on); at risk after 3h → 07:00Z. 24h later is 03-09 04:00Z, Mon 00:00 EDT. At risk after 18h → 22:00Z.
    name: 'around the clock across the New York spring forward',
    calendar: null,
    plan: AROUND_THE_CLOCK,
    created: '2026-03-08T04:00:00.000Z',
    now: '2026-03-08T07:30:00.000Z',
    firstResponse: expectTarget('2026-03-08T08:00:00.000Z', '2026-03-08T07:00:00.000Z', 'at_risk', 0.5),
    resolution: expectTarget('2026-03-09T04:00:00.000Z', '2026-03-08T22:00:00.000Z', 'on_track', 20.5),
    state: 'at_risk',
  },
  {
    // Sat 23:00 EDT = 11-01 03:00Z. 4h later is 07:00Z = 02:00 EST (three wall-clock hours on); 24h later is
    // 11-02 03:00Z = Sun 22:00 EST. At risk at 06:00Z and 21:00Z. Now 08:00Z: 5h run.
    name: 'around the clock across the New York fall back',
    calendar: null,
    plan: AROUND_THE_CLOCK,
    created: '2026-11-01T03:00:00.000Z',
    now: '2026-11-01T08:00:00.000Z',
    firstResponse: expectTarget('2026-11-01T07:00:00.000Z', '2026-11-01T06:00:00.000Z', 'breached', 0),
    resolution: expectTarget('2026-11-02T03:00:00.000Z', '2026-11-01T21:00:00.000Z', 'on_track', 19),
    state: 'breached',
  },
  {
    // Sat 23:30 GMT; +4h = 03:30Z = 04:30 BST; +24h = 03-29 23:30Z = Mon 00:30 BST.
    name: 'around the clock across the London spring forward',
    calendar: null,
    plan: AROUND_THE_CLOCK,
    created: '2026-03-28T23:30:00.000Z',
    now: '2026-03-28T23:30:00.000Z',
    firstResponse: expectTarget('2026-03-29T03:30:00.000Z', '2026-03-29T02:30:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-03-29T23:30:00.000Z', '2026-03-29T17:30:00.000Z', 'on_track', 24),
    state: 'on_track',
  },
  {
    // Sun 00:00 BST = 10-24 23:00Z; asks the customer at 00:00Z (01:00 BST), who answers at 02:00Z (02:00 GMT):
    // two real hours paused, though the wall clock moved one. First response met by the question, due as it
    // stood then: 23:00Z + 4h = 03:00Z. Resolution: 24h + 2h paused → 10-26 01:00Z; at risk 18h + 2h → 19:00Z.
    name: 'around the clock across the London fall back, with two real hours paused',
    calendar: null,
    plan: AROUND_THE_CLOCK,
    created: '2026-10-24T23:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-10-25T00:00:00.000Z'],
      ['open', '2026-10-25T02:00:00.000Z'],
    ],
    firstRespondedAt: '2026-10-25T00:00:00.000Z',
    now: '2026-10-25T12:00:00.000Z',
    firstResponse: expectTarget('2026-10-25T03:00:00.000Z', '2026-10-25T02:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-10-26T01:00:00.000Z', '2026-10-25T19:00:00.000Z', 'on_track', 13),
    state: 'on_track',
  },

  // ---- Opened outside business hours: the clock starts at the next opening ------------------------------------
  {
    // Sat 01-10 22:00 EST = 01-11 03:00Z. Clock starts Mon 09:00 EST = 14:00Z: first response 18:00Z (at risk
    // 17:00Z); resolution all of Monday and Tuesday, due at Tuesday's close 22:00Z (at risk Tue 13:00 EST = 18:00Z).
    // Sunday: nothing has run.
    name: 'opened on Saturday night',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-11T03:00:00.000Z',
    now: '2026-01-11T20:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'on_track', 16),
    state: 'on_track',
  },
  {
    // Wed 01-14 03:00 EST = 08:00Z. Clock starts 09:00 EST = 14:00Z; at 08:59 EST nothing has run.
    name: 'opened at 03:00 on a weekday',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-14T08:00:00.000Z',
    now: '2026-01-14T13:59:00.000Z',
    firstResponse: expectTarget('2026-01-14T18:00:00.000Z', '2026-01-14T17:00:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-01-15T22:00:00.000Z', '2026-01-15T18:00:00.000Z', 'on_track', 16),
    state: 'on_track',
  },
  {
    // Christmas (Fri) 10:00 EST = 15:00Z: closed through the weekend, clock starts Mon 12-28 09:00 EST = 14:00Z.
    name: 'opened on a holiday Friday',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-12-25T15:00:00.000Z',
    now: '2026-12-26T15:00:00.000Z',
    firstResponse: expectTarget('2026-12-28T18:00:00.000Z', '2026-12-28T17:00:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-12-29T22:00:00.000Z', '2026-12-29T18:00:00.000Z', 'on_track', 16),
    state: 'on_track',
  },

  // ---- Weekends and holidays ---------------------------------------------------------------------------------
  {
    // Thu 12-24 15:00 EST = 20:00Z: 2h Thursday; Friday is Christmas, then the weekend. First response: 2h from
    // Mon 09:00 EST = 14:00Z → 16:00Z (at risk after 1h Monday, 15:00Z = now). Resolution: 2h + 8h Mon + 6h Tue
    // → 20:00Z; at risk after 2 + 8 + 2 → Tue 16:00Z.
    name: 'a holiday Friday before a weekend',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-12-24T20:00:00.000Z',
    now: '2026-12-28T15:00:00.000Z',
    firstResponse: expectTarget('2026-12-28T16:00:00.000Z', '2026-12-28T15:00:00.000Z', 'at_risk', 1),
    resolution: expectTarget('2026-12-29T20:00:00.000Z', '2026-12-29T16:00:00.000Z', 'on_track', 13),
    state: 'at_risk',
  },
  {
    // Wed 11-25 16:00 EST = 21:00Z: 1h Wednesday; Thanksgiving Thursday, Friday and the weekend closed. First
    // response: 3h from Mon 11-30 14:00Z → 17:00Z (at risk 16:00Z). Resolution: 1 + 8 + 7 → Tue 12-01 21:00Z
    // (at risk after 1 + 8 + 3 → 17:00Z).
    name: 'two holidays in a row before a weekend',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-11-25T21:00:00.000Z',
    now: '2026-11-25T21:00:00.000Z',
    firstResponse: expectTarget('2026-11-30T17:00:00.000Z', '2026-11-30T16:00:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-12-01T21:00:00.000Z', '2026-12-01T17:00:00.000Z', 'on_track', 16),
    state: 'on_track',
  },

  // ---- Hours that cross midnight (22:00–06:00 New York) ------------------------------------------------------
  {
    // Sat 03-07 21:00 EST = 03-08 02:00Z, before opening. The Saturday night runs 22:00 EST = 03:00Z to 06:00 EDT
    // = 10:00Z: 7 real hours. First response 03:00Z + 4h = 07:00Z (03:00 EDT; 02:00–03:00 does not exist), at risk
    // 06:00Z. Resolution: 7h Saturday night, 5h from Sun 22:00 EDT = 03-09 02:00Z → 07:00Z (8-hour nights would
    // give 06:00Z); at risk after 7 + 2 → 04:00Z.
    name: 'overnight hours on the spring-forward night',
    calendar: OVERNIGHT,
    plan: NIGHTS,
    created: '2026-03-08T02:00:00.000Z',
    now: '2026-03-08T02:00:00.000Z',
    firstResponse: expectTarget('2026-03-08T07:00:00.000Z', '2026-03-08T06:00:00.000Z', 'on_track', 4),
    resolution: expectTarget('2026-03-09T07:00:00.000Z', '2026-03-09T04:00:00.000Z', 'on_track', 12),
    state: 'on_track',
  },
  {
    // Sat 10-31 21:00 EDT = 11-01 01:00Z. Saturday night: 22:00 EDT = 02:00Z to 06:00 EST = 11:00Z, 9 real hours.
    // First response 02:00Z + 4h = 06:00Z (the second 01:00, EST), at risk 05:00Z (the first 01:00, EDT).
    // Resolution at risk after 9h: exactly the end of the night, 11:00Z. Due: 9h, then 3h from Sun 22:00 EST =
    // 11-02 03:00Z → 06:00Z. Now 06:30Z: 4.5h run.
    name: 'overnight hours on the fall-back night',
    calendar: OVERNIGHT,
    plan: NIGHTS,
    created: '2026-11-01T01:00:00.000Z',
    now: '2026-11-01T06:30:00.000Z',
    firstResponse: expectTarget('2026-11-01T06:00:00.000Z', '2026-11-01T05:00:00.000Z', 'breached', 0),
    resolution: expectTarget('2026-11-02T06:00:00.000Z', '2026-11-01T11:00:00.000Z', 'on_track', 7.5),
    state: 'breached',
  },
  {
    // Thu 12-24 12:00 EST. Thursday night (22:00 EST = 12-25 03:00Z to 11:00Z) starts before Christmas and is
    // kept; Friday night starts on the holiday and is dropped; Saturday night starts 12-27 03:00Z.
    // First response 07:00Z on the 25th, at risk 06:00Z. Resolution: 8h + 4h → 12-27 07:00Z, at risk 8 + 1 → 04:00Z.
    name: 'overnight hours around a holiday',
    calendar: OVERNIGHT,
    plan: NIGHTS,
    created: '2026-12-24T17:00:00.000Z',
    now: '2026-12-26T12:00:00.000Z',
    firstResponse: expectTarget('2026-12-25T07:00:00.000Z', '2026-12-25T06:00:00.000Z', 'breached', 0),
    resolution: expectTarget('2026-12-27T07:00:00.000Z', '2026-12-27T04:00:00.000Z', 'on_track', 4),
    state: 'breached',
  },

  // ---- Waiting on the customer -------------------------------------------------------------------------------
  {
    // Mon 01-12 09:00 EST = 14:00Z; the agent asks at 10:00 EST (the first response, due 13:00 EST = 18:00Z); the
    // customer answers Tue 11:00 EST = 16:00Z. Paused open time: Mon 10–17 (7h) + Tue 09–11 (2h) = 9h. Without the
    // pause resolution would be due Tue 17:00 EST; with it, 1h Mon, 6h Tue, 8h Wed, 1h Thu → Thu 10:00 EST = 15:00Z.
    // At risk after 12h: 1 + 6 + 5 → Wed 14:00 EST = 19:00Z. Now Wed 10:00 EST: 1 + 6 + 1 = 8h run.
    name: 'paused while awaiting the customer: the due time moves by the paused open time',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-01-12T15:00:00.000Z'],
      ['open', '2026-01-13T16:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-14T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-15T15:00:00.000Z', '2026-01-14T19:00:00.000Z', 'on_track', 8),
    state: 'on_track',
  },
  {
    // The same story under a plan that does not pause: Monday and Tuesday in full, due Tue 17:00 EST = 22:00Z.
    name: 'a plan that does not pause: the same story is breached',
    calendar: NEW_YORK,
    plan: NY_RUNNING,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-01-12T15:00:00.000Z'],
      ['open', '2026-01-13T16:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-14T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'breached', 0),
    state: 'breached',
  },
  {
    // Still waiting on Tuesday 15:00 EST: 1h ran before the question, the clock stands still; no due time yet.
    name: 'still awaiting the customer: paused, no due time',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [['awaiting_customer', '2026-01-12T15:00:00.000Z']],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-13T20:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget(null, null, 'paused', 15),
    state: 'paused',
  },
  {
    // Not pausing, the clock runs on while waiting: 8h Mon + 6h Tue = 14h by now, at risk since Tue 18:00Z.
    name: 'still awaiting the customer under a plan that does not pause: at risk',
    calendar: NEW_YORK,
    plan: NY_RUNNING,
    created: '2026-01-12T14:00:00.000Z',
    changes: [['awaiting_customer', '2026-01-12T15:00:00.000Z']],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-13T20:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'at_risk', 2),
    state: 'at_risk',
  },
  {
    // Work all Monday (8h) and Tuesday to 16:00 EST (7h); the late question at 16:00 EST = 21:00Z is the first
    // response (due Mon 18:00Z). The resolution's warning (12h: Tue 13:00 EST = 18:00Z) passed before the pause;
    // its due time has not come, so it has none while paused, 1h left.
    name: 'paused after the warning: warnAt stays, dueAt is unknown',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['in_progress', '2026-01-12T15:00:00.000Z'],
      ['awaiting_customer', '2026-01-13T21:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-13T21:00:00.000Z',
    now: '2026-01-14T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met_late', 0),
    resolution: expectTarget(null, '2026-01-13T18:00:00.000Z', 'paused', 1),
    state: 'paused',
  },
  {
    // Due Tue 17:00 EST = 22:00Z came before the question on Wednesday: a pause does not undo a breach.
    name: 'paused after the due time: still breached',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['in_progress', '2026-01-12T16:00:00.000Z'],
      ['awaiting_customer', '2026-01-14T15:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T16:00:00.000Z',
    now: '2026-01-15T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 2),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'breached', 0),
    state: 'breached',
  },

  // ---- Resolved, reopened ------------------------------------------------------------------------------------
  {
    // Resolved Mon 16:00 EST = 21:00Z with a reply (the first response, 3h late: due 18:00Z) after 7h; reopened
    // Wed 10:00 EST = 15:00Z. The clock resumes with 9h: 7h Wed, 2h Thu → Thu 11:00 EST = 16:00Z. At risk after
    // 12h: 7 + 5 → Wed 15:00 EST = 20:00Z. Now Wed 11:00 EST: 7 + 1 = 8h run.
    name: 'resolved then reopened: the clock resumes where it stopped',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['resolved', '2026-01-12T21:00:00.000Z'],
      ['in_progress', '2026-01-14T15:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T21:00:00.000Z',
    now: '2026-01-14T16:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met_late', 0),
    resolution: expectTarget('2026-01-15T16:00:00.000Z', '2026-01-14T20:00:00.000Z', 'on_track', 8),
    state: 'on_track',
  },
  {
    // Resolved Mon 11:00 EST = 16:00Z without a reply: the first response stops 2h short of its due time (18:00Z).
    // The resolution is met with 14h left; as it stood then it was due Tue 17:00 EST = 22:00Z.
    name: 'resolved in time without a reply: first response stopped, resolution met',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [['resolved', '2026-01-12T16:00:00.000Z']],
    now: '2026-01-16T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'stopped', 2),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'met', 14),
    state: 'on_track',
  },
  {
    // Resolved Mon 14:00 EST = 19:00Z and closed Thursday, never answered: the first response was missed at 18:00Z,
    // before the clock stopped. The resolution was met after 5h; as it stood then: 3h Mon + 8h Tue → Tue 22:00Z,
    // at risk after 12h (3h Mon + 4h Tue) → Tue 18:00Z.
    name: 'resolved and closed without a reply after the first response was due: breached',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['resolved', '2026-01-12T19:00:00.000Z'],
      ['closed', '2026-01-15T19:00:00.000Z'],
    ],
    now: '2026-01-16T00:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'breached', 0),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'met', 11),
    state: 'breached',
  },
  {
    // Answered at 15:00Z, worked on and resolved Wed 11:00 EST: the resolution was due Tue 22:00Z, met late.
    name: 'resolved after the due time: met late',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['in_progress', '2026-01-12T15:00:00.000Z'],
      ['resolved', '2026-01-14T16:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-20T00:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'met_late', 0),
    state: 'breached',
  },
  {
    // Asked at Mon 10:00 EST after 1h, still waiting on Friday 12:00 EST = 17:00Z when resolved: the clock ran 1h
    // of 16, so the resolution was met with 15h left. Its due time is the one it had then, the clock taken to run
    // on from the moment it was met: 5h Fri + 8h Mon 01-19 + 2h Tue → Tue 11:00 EST = 16:00Z; at risk after 11h
    // more → Mon 15:00 EST = 20:00Z. (Counting the paused days instead would call it late.)
    name: 'resolved while awaiting the customer: met, the pause does not count',
    calendar: NEW_YORK,
    plan: NY,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-01-12T15:00:00.000Z'],
      ['resolved', '2026-01-16T17:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-19T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-20T16:00:00.000Z', '2026-01-19T20:00:00.000Z', 'met', 15),
    state: 'on_track',
  },
  {
    // Not pausing, the same story ran out on Tue 17:00 EST = 22:00Z: met late.
    name: 'resolved while awaiting the customer under a plan that does not pause: met late',
    calendar: NEW_YORK,
    plan: NY_RUNNING,
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-01-12T15:00:00.000Z'],
      ['resolved', '2026-01-16T17:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T15:00:00.000Z',
    now: '2026-01-19T15:00:00.000Z',
    firstResponse: expectTarget('2026-01-12T18:00:00.000Z', '2026-01-12T17:00:00.000Z', 'met', 3),
    resolution: expectTarget('2026-01-13T22:00:00.000Z', '2026-01-13T18:00:00.000Z', 'met_late', 0),
    state: 'breached',
  },
];

function evaluateRow(row: Row): SlaEvaluation {
  const { ticket, history } = storyline(row);
  return policy.evaluate({ ticket, plan: row.plan, calendar: row.calendar, history, now: new Date(row.now) });
}

function expectedTarget(expected: Expected, metAt: string | null): SlaTargetEvaluation {
  const { dueAt, warnAt, state, remaining } = expected;
  return { dueAt, warnAt, metAt, remainingMs: remaining * HOUR, state };
}

describe('defaultSlaPolicy by hand', () => {
  test.each(rows)('$name', (row) => {
    const { ticket } = storyline(row);
    expect(evaluateRow(row)).toEqual({
      firstResponse: expectedTarget(row.firstResponse, ticket.firstRespondedAt),
      resolution: expectedTarget(row.resolution, ticket.resolvedAt),
      state: row.state,
    });
  });

  test('a first response met before a later pause keeps the due time it had when it was met', () => {
    // The story of "paused while awaiting the customer", evaluated at each step: the first response's due time is
    // Mon 18:00Z before the question, after it, and after the customer answers the next day.
    const story = {
      created: '2026-01-12T14:00:00.000Z',
      changes: [
        ['awaiting_customer', '2026-01-12T15:00:00.000Z'],
        ['open', '2026-01-13T16:00:00.000Z'],
        ['awaiting_customer', '2026-01-14T15:00:00.000Z'],
      ] as const,
    };
    const dueTimes = [0, 1, 2, 3].map((steps) => {
      const { ticket, history } = storyline({
        ...story,
        changes: story.changes.slice(0, steps),
        firstRespondedAt: steps > 0 ? '2026-01-12T15:00:00.000Z' : null,
      });
      const now = new Date(story.changes[steps]?.[1] ?? '2026-01-15T00:00:00.000Z');
      return policy.evaluate({ ticket, plan: NY, calendar: NEW_YORK, history, now }).firstResponse?.dueAt;
    });
    expect(dueTimes).toEqual(Array(4).fill('2026-01-12T18:00:00.000Z'));
  });

  test('only status changes move the clock: assignments, notes and plan changes in the history do not', () => {
    const base = {
      created: '2026-01-12T14:00:00.000Z',
      changes: [
        ['in_progress', '2026-01-12T15:00:00.000Z'],
        ['awaiting_customer', '2026-01-12T16:00:00.000Z'],
        ['open', '2026-01-13T15:00:00.000Z'],
      ] as const,
      firstRespondedAt: '2026-01-12T16:00:00.000Z',
    };
    const { ticket, history } = storyline(base);
    const noise = (when: string, status: TicketStatus, command: string, changes: AuditEvent['changes'] = {}) =>
      makeAuditEvent(ticket, { command, at: when, changes, to: { status, assignment: 'assigned', sla: 'at_risk' } });
    const noisy = [
      history[0] as AuditEvent,
      noise('2026-01-12T14:30:00.000Z', 'open', 'assign'),
      history[1] as AuditEvent,
      noise('2026-01-12T15:30:00.000Z', 'in_progress', 'note'),
      history[2] as AuditEvent,
      noise('2026-01-12T20:00:00.000Z', 'awaiting_customer', 'update', {
        slaPlanId: { from: 'around-the-clock', to: 'ny' },
      }),
      history[3] as AuditEvent,
      noise('2026-01-13T18:00:00.000Z', 'open', 'slaCheck'),
    ];
    const now = new Date('2026-01-14T15:00:00.000Z');
    const quiet = policy.evaluate({ ticket, plan: NY, calendar: NEW_YORK, history, now });
    expect(policy.evaluate({ ticket, plan: NY, calendar: NEW_YORK, history: noisy, now })).toEqual(quiet);
    // 2h Monday, paused from Mon 11:00 to Tue 10:00 EST; 14h from Tue 10:00 EST: 7h Tue, 7h Wed → Wed 16:00 EST.
    expect(quiet.resolution?.dueAt).toBe('2026-01-14T21:00:00.000Z');
  });
});

describe('a plan change replays the history under the new plan', () => {
  // Opened Mon 09:00 EST around the clock; the agent asks at 11:00 EST and the customer answers Tue 11:00 EST; at
  // 12:00 EST Tuesday an agent moves the ticket to another plan. Each plan's due times are those it would have
  // given had the ticket always had it: when the plan changed does not matter.
  const story: Story = {
    created: '2026-01-12T14:00:00.000Z',
    changes: [
      ['awaiting_customer', '2026-01-12T16:00:00.000Z'],
      ['open', '2026-01-13T16:00:00.000Z'],
    ],
    firstRespondedAt: '2026-01-12T16:00:00.000Z',
  };
  const now = new Date('2026-01-13T17:00:00.000Z');
  const { ticket, history } = storyline(story);
  const planChange = makeAuditEvent(ticket, {
    command: 'update',
    at: '2026-01-13T17:00:00.000Z',
    changes: { slaPlanId: { from: 'around-the-clock', to: 'ny' } },
    to: { status: 'open', assignment: 'assigned', sla: 'on_track' },
  });

  test.each([
    // Around the clock: 2h, then 24h paused, so 4h → 18:00Z and 1d → 14:00Z + 24h + 24h = Wed 14:00Z.
    ['around the clock', AROUND_THE_CLOCK, null, '2026-01-12T18:00:00.000Z', '2026-01-14T14:00:00.000Z'],
    // New York hours: 2h Monday, paused Mon 11:00 → Tue 11:00 EST; 14h from Tue 11:00 EST: 6h Tue, 8h Wed →
    // Wed 17:00 EST = 22:00Z. First response due Mon 13:00 EST = 18:00Z.
    ['New York hours', NY, NEW_YORK, '2026-01-12T18:00:00.000Z', '2026-01-14T22:00:00.000Z'],
    // New York hours, not pausing: Monday and Tuesday in full → Tue 22:00Z.
    ['New York hours, not pausing', NY_RUNNING, NEW_YORK, '2026-01-12T18:00:00.000Z', '2026-01-13T22:00:00.000Z'],
    // 22:00–06:00 nights: nothing is open before the question (met at 11:00 EST with all 4h left), so the first
    // response, as it stood when met, was due 4h into Mon night, 22:00 EST = 01-13 03:00Z → 07:00Z. The resolution
    // clock misses Monday night (paused) and resumes Tue 11:00 EST: 8h Tue night from 01-14 03:00Z, 4h from Wed
    // 22:00 EST = 01-15 03:00Z → 07:00Z.
    ['nights', NIGHTS, OVERNIGHT, '2026-01-13T07:00:00.000Z', '2026-01-15T07:00:00.000Z'],
  ] as const)('to %s', (_name, newPlan, cal, firstDue, resolutionDue) => {
    const replayed = policy.evaluate({
      ticket: { ...ticket, slaPlanId: newPlan.id },
      plan: newPlan,
      calendar: cal,
      history: [...history, planChange],
      now,
    });
    expect([replayed.firstResponse?.dueAt, replayed.resolution?.dueAt]).toEqual([firstDue, resolutionDue]);
    const always = policy.evaluate({
      ticket: { ...ticket, slaPlanId: newPlan.id },
      plan: newPlan,
      calendar: cal,
      history,
      now,
    });
    expect(replayed).toEqual(always);
  });
});

describe('default plan rules', () => {
  const plans = ['sev-a', 'sev-b', 'sev-c', 'sev-d'].map((id) => plan({ id }));
  const rules = defaultSlaPolicy({
    defaultPlan: {
      byTopic: { billing: 'sev-a', legacy: 'retired' },
      byDepartment: { l2: 'sev-b' },
      byPriority: { urgent: 'sev-c' },
      fallback: 'sev-d',
    },
  });
  const select = (overrides: Partial<Ticket>) => rules.selectPlan?.(makeTicket(overrides), plans);

  test.each([
    ['topic first', { topic: 'billing', departmentId: 'l2', priority: 'urgent' }, 'sev-a'],
    ['then department', { topic: 'other', departmentId: 'l2', priority: 'urgent' }, 'sev-b'],
    ['then priority', { departmentId: 'help', priority: 'urgent' }, 'sev-c'],
    ['then the fallback', { departmentId: 'help', priority: 'normal' }, 'sev-d'],
    ['a rule naming a plan that does not exist is skipped', { topic: 'legacy', departmentId: 'l2' }, 'sev-b'],
    [
      'keys are matched as own keys, not through the prototype',
      { topic: 'constructor', departmentId: 'help' },
      'sev-d',
    ],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(select(overrides)).toBe(expected);
  });

  test('without rules there is no default plan; a fallback that does not exist is none either', () => {
    expect(defaultSlaPolicy().selectPlan?.(makeTicket(), plans)).toBeNull();
    const missing = defaultSlaPolicy({ defaultPlan: { fallback: 'gone' } });
    expect(missing.selectPlan?.(makeTicket(), plans)).toBeNull();
  });
});

describe('through the desk', () => {
  const SEV_A = { id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h', calendarId: 'new-york' };
  const SEV_B = { ...SEV_A, id: 'sev-b', name: 'SEV B', firstResponseWithin: '4h', resolveWithin: '16h' };
  const SEV_C = { ...SEV_A, id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' };
  const SEV_D = { id: 'sev-d', name: 'SEV D', firstResponseWithin: '2h', resolveWithin: '1d' };
  const desk = () =>
    createTestDesk({
      sla: defaultSlaPolicy({
        calendars: [NEW_YORK_INPUT],
        plans: [SEV_A, { ...SEV_B, pauseWhileAwaitingCustomer: false }, SEV_C, SEV_D],
        defaultPlan: {
          byTopic: { billing: 'sev-a' },
          byDepartment: { l2: 'sev-b' },
          byPriority: { urgent: 'sev-c' },
          fallback: 'sev-d',
        },
      }),
    });

  test('due times are set on opening, pause while awaiting the customer, replay on a plan change, resume on reopen', async () => {
    // The test desk's clock starts Mon 03-02 09:00Z = 04:00 EST, before opening.
    const { desk: helpDesk, clock, open } = await desk();
    const opened = await open({ topic: 'billing' });
    // SEV A from 09:00 EST = 14:00Z: first response 1h → 15:00Z, resolution 8h → Monday's close 22:00Z.
    expect(opened).toMatchObject({
      slaPlanId: 'sev-a',
      firstResponseDueAt: '2026-03-02T15:00:00.000Z',
      resolutionDueAt: '2026-03-02T22:00:00.000Z',
    });

    clock.set('2026-03-02T14:30:00Z');
    const asked = await helpDesk.tickets.requestInfo(opened.id, { body: 'Which account?' }, { actor: actors.ann });
    // The question is the first response (on time); the resolution clock stops after 30 minutes: no due time.
    expect(asked).toMatchObject({
      status: 'awaiting_customer',
      slaState: 'paused',
      firstRespondedAt: '2026-03-02T14:30:00.000Z',
      firstResponseDueAt: '2026-03-02T15:00:00.000Z',
      resolutionDueAt: null,
    });

    clock.set('2026-03-03T15:00:00Z');
    const answered = await helpDesk.tickets.reply(opened.id, { body: 'Checking' }, { actor: actors.ken });
    // 7.5h left from Tue 10:00 EST: 7h Tuesday, 30 minutes Wednesday → Wed 09:30 EST = 14:30Z. The met first
    // response keeps its due time.
    expect(answered).toMatchObject({
      slaState: 'on_track',
      firstResponseDueAt: '2026-03-02T15:00:00.000Z',
      resolutionDueAt: '2026-03-04T14:30:00.000Z',
    });

    clock.set('2026-03-03T16:00:00Z');
    const moved = await helpDesk.tickets.update(opened.id, { slaPlanId: 'sev-c' }, { actor: actors.ann });
    // SEV C replays from Monday: first response 8h → Mon 17:00 EST = 22:00Z. Resolution 72h: 0.5h Monday, paused
    // to Tue 10:00 EST, then 7h Tue, 8h each Wed–Fri, Mon 03-09 to Fri 03-13 (now EDT) → 71.5h; 30 minutes on
    // Mon 03-16 from 09:00 EDT = 13:00Z → 13:30Z.
    expect(moved).toMatchObject({
      slaPlanId: 'sev-c',
      firstResponseDueAt: '2026-03-02T22:00:00.000Z',
      resolutionDueAt: '2026-03-16T13:30:00.000Z',
    });

    clock.set('2026-03-04T15:00:00Z');
    const resolved = await helpDesk.tickets.resolve(opened.id, { resolutionNote: 'Fixed' }, { actor: actors.ann });
    // Resolved Wed 10:00 EST with the clock running: the due time it had then.
    expect(resolved).toMatchObject({ status: 'resolved', resolutionDueAt: '2026-03-16T13:30:00.000Z' });

    clock.set('2026-03-09T14:00:00Z');
    const reopened = await helpDesk.tickets.reopen(opened.id, { reason: 'Again' }, { actor: actors.ann });
    // 8.5h had run (0.5 Mon, 7 Tue, 1 Wed): 63.5h left from Mon 03-09 10:00 EDT: 7h Mon, 8h each Tue 03-10 to
    // Wed 03-18 (7 days, 56h) → 63h; 30 minutes on Thu 03-19 from 09:00 EDT = 13:00Z → 13:30Z. Three business days
    // later than before, exactly the open time (Wed 7h, Thu, Fri, Mon 1h = 24h) it spent resolved.
    expect(reopened).toMatchObject({
      status: 'open',
      firstResponseDueAt: '2026-03-02T22:00:00.000Z',
      resolutionDueAt: '2026-03-19T13:30:00.000Z',
    });
  });

  test('a plan that does not pause keeps its due time while awaiting the customer', async () => {
    const { desk: helpDesk, clock, open } = await desk();
    const opened = await open({ departmentId: 'l2' });
    // SEV B by department: 4h → Mon 13:00 EST = 18:00Z; 16h → Tue 17:00 EST = 22:00Z.
    expect(opened).toMatchObject({
      slaPlanId: 'sev-b',
      firstResponseDueAt: '2026-03-02T18:00:00.000Z',
      resolutionDueAt: '2026-03-03T22:00:00.000Z',
    });
    clock.set('2026-03-02T15:00:00Z');
    const asked = await helpDesk.tickets.requestInfo(opened.id, { body: 'Which account?' }, { actor: actors.winston });
    expect(asked).toMatchObject({
      status: 'awaiting_customer',
      slaState: 'on_track',
      firstResponseDueAt: '2026-03-02T18:00:00.000Z',
      resolutionDueAt: '2026-03-03T22:00:00.000Z',
    });
  });

  test('the default plan follows the rules in order, and a priority change replays under the plan it picks', async () => {
    const { desk: helpDesk, clock, open } = await desk();
    const plans: Ticket[] = [];
    for (const input of [
      { topic: 'billing', departmentId: 'l2', priority: 'urgent' },
      { topic: 'other', departmentId: 'l2', priority: 'urgent' },
      { priority: 'urgent' },
      {},
    ]) {
      plans.push(await open(input));
    }
    expect(plans.map((ticket) => ticket.slaPlanId)).toEqual(['sev-a', 'sev-b', 'sev-c', 'sev-d']);
    // SEV D counts around the clock from 09:00Z: 2h → 11:00Z, 1d → Tuesday 09:00Z.
    const fallback = plans[3] as Ticket;
    expect(fallback).toMatchObject({
      firstResponseDueAt: '2026-03-02T11:00:00.000Z',
      resolutionDueAt: '2026-03-03T09:00:00.000Z',
    });
    clock.set('2026-03-02T10:00:00Z');
    const urgent = await helpDesk.tickets.update(fallback.id, { priority: 'urgent' }, { actor: actors.ann });
    // Now SEV C from Monday 09:00 EST (the history replays from the opening): 8h → 22:00Z; 72h = nine business
    // days: Mon 03-02 … Fri 03-06, Mon 03-09 … Thu 03-12, due at Thursday's close, 17:00 EDT = 21:00Z.
    expect(urgent).toMatchObject({
      slaPlanId: 'sev-c',
      firstResponseDueAt: '2026-03-02T22:00:00.000Z',
      resolutionDueAt: '2026-03-12T21:00:00.000Z',
    });
  });
});

// ---- Properties ------------------------------------------------------------------------------------------------

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'] as const;
const FROM = at('2026-01-01T00:00:00Z');
const clockTime = (quarters: number) =>
  `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * 15).padStart(2, '0')}`;
// At least an hour long, on quarter hours; past 24:00 it runs overnight, exactly to 24:00 it is written '24:00'.
const intervalArb = fc
  .record({ start: fc.integer({ min: 0, max: 95 }), length: fc.integer({ min: 4, max: 95 }) })
  .map(({ start, length }): [string, string] => {
    const end = start + length;
    return [clockTime(start), end === 96 ? '24:00' : clockTime(end % 96)];
  });
const weeklyArb = fc
  .record(Object.fromEntries(WEEKDAYS.map((day) => [day, fc.array(intervalArb, { maxLength: 2 })])))
  .filter((weekly) => Object.values(weekly).some((intervals) => intervals.length > 0));
const calendarArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekly: weeklyArb,
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 540 }), { maxLength: 6 }),
  })
  .map(({ timeZone, weekly, holidays }) =>
    calendar({
      id: 'random',
      timeZone,
      weekly,
      holidays: holidays.map((day) => iso(FROM + day * DAY).slice(0, 10)),
    }),
  );
const calendarOrNoneArb = fc.oneof({ arbitrary: calendarArb, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
const planArb = fc
  .record({
    first: fc.integer({ min: 1, max: 16 * 60 }),
    resolve: fc.integer({ min: 1, max: 48 * 60 }),
    warnAt: fc.integer({ min: 1, max: 99 }),
    pause: fc.boolean(),
  })
  .map(({ first, resolve, warnAt, pause }) =>
    plan({
      id: 'random',
      firstResponseWithin: `${first}m`,
      resolveWithin: `${resolve}m`,
      warnAt: warnAt / 100,
      pauseWhileAwaitingCustomer: pause,
    }),
  );
// Arbitrary milliseconds, and whole minutes that land on span edges often.
const instantArb = fc.oneof(
  fc.integer({ min: FROM, max: FROM + 365 * DAY }),
  fc.integer({ min: FROM / MINUTE, max: (FROM + 365 * DAY) / MINUTE }).map((minutes) => minutes * MINUTE),
);
const gapArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 3 * DAY }),
  fc.integer({ min: 0, max: 72 }).map((hours) => hours * HOUR),
);
const statusArb = fc.constantFrom<TicketStatus>('open', 'in_progress', 'awaiting_customer', 'resolved');

interface Scenario {
  calendar: Calendar | null;
  plan: SlaPlan;
  created: number;
  /** Status changes after opening, in time order. */
  steps: { status: TicketStatus; at: number }[];
  firstRespondedAt: number | null;
  now: number;
}

const scenarioArb = fc
  .record({
    calendar: calendarOrNoneArb,
    plan: planArb,
    created: instantArb,
    steps: fc.array(fc.record({ gap: gapArb, status: statusArb }), { maxLength: 6 }),
    nowGap: gapArb,
    // ≤ 1000: that fraction of the way from creation to now; above: the instant of one of the status changes.
    reply: fc.option(fc.nat(1_020), { nil: null }),
  })
  .map(({ calendar: cal, plan: chosen, created, steps, nowGap, reply }): Scenario => {
    let time = created;
    const timed = steps.map(({ gap, status }) => {
      time += gap;
      return { status, at: time };
    });
    const now = time + nowGap;
    let firstRespondedAt: number | null = null;
    if (reply !== null && (reply <= 1_000 || timed.length === 0)) {
      firstRespondedAt = created + Math.floor(((now - created) * Math.min(reply, 1_000)) / 1_000);
    } else if (reply !== null) firstRespondedAt = timed[(reply - 1_001) % timed.length]?.at ?? null;
    return { calendar: cal, plan: chosen, created, steps: timed, firstRespondedAt, now };
  });

function scenarioInput(scenario: Scenario) {
  const { ticket, history } = storyline({
    created: iso(scenario.created),
    changes: scenario.steps.map(({ status, at: when }) => [status, iso(when)] as const),
    firstRespondedAt: scenario.firstRespondedAt === null ? null : iso(scenario.firstRespondedAt),
    plan: scenario.plan,
  });
  return { ticket, plan: scenario.plan, calendar: scenario.calendar, history, now: new Date(scenario.now) };
}

const evaluateScenario = (scenario: Scenario) => policy.evaluate(scenarioInput(scenario));

const lengthOf = (scenario: Scenario, target: 'firstResponse' | 'resolution') =>
  parseDuration(target === 'firstResponse' ? scenario.plan.firstResponseWithin : scenario.plan.resolveWithin) ?? 0;

/**
 * The oracle, worked out from the steps without the policy's helpers: the open time in [from, to) during which the
 * clock ran, i.e. all open time minus that of every stretch in which the ticket was in a status that stops it.
 */
function countedBetween(scenario: Scenario, from: number, to: number): number {
  if (to <= from) return 0;
  const spells = [{ status: 'open' as TicketStatus, at: scenario.created }, ...scenario.steps];
  const stops = (status: TicketStatus) =>
    status === 'resolved' ||
    status === 'closed' ||
    (status === 'awaiting_customer' && scenario.plan.pauseWhileAwaitingCustomer);
  let total = openTimeBetween(scenario.calendar, from, to);
  spells.forEach((spell, index) => {
    if (!stops(spell.status)) return;
    const start = Math.max(spell.at, from);
    const end = Math.min(spells[index + 1]?.at ?? to, to);
    if (end > start) total -= openTimeBetween(scenario.calendar, start, end);
  });
  return total;
}

const TARGETS = ['firstResponse', 'resolution'] as const;
const COUNTING_STATES = new Set<SlaTargetState>(['on_track', 'at_risk', 'breached', 'paused']);
const runs = { numRuns: 150 };

describe('properties', () => {
  test('a due time of a target that still counts lies in business hours, after exactly the plan length of running clock', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const evaluation = evaluateScenario(scenario);
        for (const target of TARGETS) {
          const result = evaluation[target];
          if (!result || !COUNTING_STATES.has(result.state) || result.dueAt === null) continue;
          const due = at(result.dueAt);
          const length = lengthOf(scenario, target);
          expect(due).toBeGreaterThanOrEqual(scenario.created + length);
          // Open the millisecond before: due at an open instant or the very end of an open span.
          expect(isOpen(scenario.calendar, due - 1)).toBe(true);
          // Paused time never counts: the clock has run exactly the plan length by the due time, and it was
          // running in its last millisecond (so no earlier instant would do).
          expect(countedBetween(scenario, scenario.created, due)).toBe(length);
          expect(countedBetween(scenario, scenario.created, due - 1)).toBe(length - 1);
        }
      }),
      runs,
    );
  });

  test('remaining time is never negative, is what the clock has left, and is 0 once breached or late', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const evaluation = evaluateScenario(scenario);
        for (const target of TARGETS) {
          const result = evaluation[target];
          if (!result) continue;
          const length = lengthOf(scenario, target);
          const until = result.metAt === null ? scenario.now : at(result.metAt);
          expect(result.remainingMs).toBeGreaterThanOrEqual(0);
          expect(result.remainingMs).toBe(Math.max(0, length - countedBetween(scenario, scenario.created, until)));
          if (result.state === 'breached' || result.state === 'met_late') expect(result.remainingMs).toBe(0);
          if (result.state === 'on_track' || result.state === 'at_risk' || result.state === 'paused') {
            expect(result.remainingMs).toBeGreaterThan(0);
          }
          if (result.state === 'on_track' || result.state === 'at_risk') {
            expect(at(result.dueAt ?? '')).toBeGreaterThan(scenario.now);
            expect(result.state === 'at_risk').toBe(at(result.warnAt ?? '') <= scenario.now);
          }
          if (result.state === 'breached') expect(at(result.dueAt ?? '')).toBeLessThanOrEqual(scenario.now);
        }
      }),
      runs,
    );
  });

  test('a met target keeps the due time and the time left it had at the moment it was met', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const evaluation = evaluateScenario(scenario);
        for (const target of TARGETS) {
          const result = evaluation[target];
          if (!result || result.metAt === null) continue;
          const metAt = at(result.metAt);
          // The ticket as it stood just before: the changes before that instant, nothing met yet.
          const before = scenario.steps.filter((step) => step.at < metAt);
          const status = before.at(-1)?.status ?? 'open';
          if (status === 'resolved') continue; // a reply on a resolved ticket: its clock was not running anyway
          const earlier = evaluateScenario({ ...scenario, steps: before, firstRespondedAt: null, now: metAt })[target];
          if (!earlier) throw new Error('the plan has both targets');
          expect(result.remainingMs).toBe(earlier.remainingMs);
          if (earlier.dueAt === null) {
            // It was paused short of its due time: met, with the time it had left counted from then on.
            expect(result.state).toBe('met');
            expect(result.dueAt).toBe(iso(addOpenTime(scenario.calendar, metAt, earlier.remainingMs)));
          } else {
            expect(result.dueAt).toBe(earlier.dueAt);
            expect(result.state).toBe(at(earlier.dueAt) < metAt ? 'met_late' : 'met');
          }
        }
      }),
      runs,
    );
  });

  test('awaiting the customer moves the due time by exactly the open time of the wait when the plan pauses, else not at all', () => {
    fc.assert(
      fc.property(
        calendarOrNoneArb,
        planArb,
        instantArb,
        gapArb,
        gapArb,
        gapArb,
        (cal, chosen, created, beforeWait, wait, afterWait) => {
          const start = created + beforeWait;
          const end = start + wait;
          const now = end + afterWait;
          const plain: Scenario = { calendar: cal, plan: chosen, created, steps: [], firstRespondedAt: null, now };
          const waited: Scenario = {
            ...plain,
            steps: [
              { status: 'awaiting_customer', at: start },
              { status: 'open', at: end },
            ],
          };
          const without = evaluateScenario(plain);
          const withWait = evaluateScenario(waited);
          if (!chosen.pauseWhileAwaitingCustomer) {
            expect(withWait).toEqual(without);
            return;
          }
          for (const target of TARGETS) {
            const due = at(withWait[target]?.dueAt ?? '');
            const dueWithout = at(without[target]?.dueAt ?? '');
            const ranBefore = countedBetween(plain, created, start);
            if (ranBefore >= lengthOf(plain, target)) expect(due).toBe(dueWithout);
            else {
              expect(due).toBeGreaterThanOrEqual(end);
              expect(openTimeBetween(cal, dueWithout, due)).toBe(openTimeBetween(cal, start, end));
            }
          }
        },
      ),
      runs,
    );
  });

  test('history entries that keep the status (assignments, notes, plan changes) never move the clock', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat(), { maxLength: 5 }), (scenario, picks) => {
        const input = scenarioInput(scenario);
        // Each pick names an instant between creation and now; the entry records the status the ticket had then.
        const span = scenario.now - scenario.created + 1;
        const noise = picks.map((pick) => {
          const when = scenario.created + (pick % span);
          const status = scenario.steps.filter((step) => step.at <= when).at(-1)?.status ?? 'open';
          return makeAuditEvent(input.ticket, {
            command: 'update',
            at: iso(when),
            changes: { slaPlanId: { from: 'earlier', to: 'random' } },
            to: { status, assignment: 'assigned', sla: 'on_track' },
          });
        });
        // Sorted by time, noise after the real entry at the same instant, as the desk appends them.
        const history = [...input.history, ...noise].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
        expect(policy.evaluate({ ...input, history })).toEqual(policy.evaluate(input));
      }),
      runs,
    );
  });

  test('evaluate is pure: the same answer twice, and its input left as it was', () => {
    const deepFreeze = <T>(value: T): T => {
      if (value && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const inner of Object.values(value)) deepFreeze(inner);
      }
      return value;
    };
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = scenarioInput(scenario);
        const snapshot = structuredClone(input);
        // Frozen, so a write would throw (test files are modules, in strict mode).
        deepFreeze({ ...input, now: undefined });
        const first = policy.evaluate(input);
        const second = policy.evaluate(input);
        expect(second).toEqual(first);
        expect(input).toEqual(snapshot);
        expect(input.now.getTime()).toBe(scenario.now);
      }),
      runs,
    );
  });
});
