import type { AuditEvent } from '../schemas/audit.js';
import type { Calendar } from '../schemas/directory.js';
import type { TicketStatus } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';
import { addOpenTime, openTimeBetween } from './business-time.js';

/** A stretch of time during which an SLA clock runs: [start, end) in epoch ms; `end` null = still running. */
export interface ClockSpan {
  /** When the clock started (inclusive). */
  start: number;
  /** When it stopped (exclusive), or `null` while it runs. */
  end: number | null;
}

/** One status the ticket was in, from `at` until the next one. */
export interface StatusSpell {
  /** The status. */
  status: TicketStatus;
  /** When the ticket entered it (epoch ms). */
  at: number;
}

/**
 * The statuses a ticket went through, from its history: it starts `open` at
 * `createdAt`, and every audit event that lands in another status starts a new
 * spell. Pure: the history is the record, whatever plan the ticket has now —
 * which is what lets a plan change replay.
 */
export function statusSpells(ticket: Pick<Ticket, 'createdAt'>, history: readonly AuditEvent[]): StatusSpell[] {
  const spells: StatusSpell[] = [{ status: 'open', at: Date.parse(ticket.createdAt) }];
  for (const event of history) {
    const last = spells[spells.length - 1] as StatusSpell;
    if (event.to.status !== last.status) spells.push({ status: event.to.status, at: Date.parse(event.at) });
  }
  return spells;
}

/**
 * When an SLA clock runs: while the ticket is open or in progress, and while
 * it awaits the customer unless the plan pauses then. Never while resolved or
 * closed (a reopened ticket's clock resumes where it stopped).
 */
export function runningSpans(spells: readonly StatusSpell[], pauseWhileAwaitingCustomer: boolean): ClockSpan[] {
  const runs = (status: TicketStatus) =>
    status === 'open' || status === 'in_progress' || (status === 'awaiting_customer' && !pauseWhileAwaitingCustomer);
  const spans: ClockSpan[] = [];
  spells.forEach((spell, index) => {
    const end = spells[index + 1]?.at ?? null;
    if (!runs(spell.status)) return;
    const last = spans[spans.length - 1];
    // Back-to-back running spells (open → in progress) are one stretch of the clock.
    if (last && last.end === spell.at) last.end = end;
    else spans.push({ start: spell.at, end });
  });
  return spans;
}

/**
 * The instant at which the clock has run `amount` of open time (business
 * time with a calendar), or `null` when it stops before that.
 */
export function instantAfter(spans: readonly ClockSpan[], calendar: Calendar | null, amount: number): number | null {
  let remaining = amount;
  for (const span of spans) {
    if (span.end === null) return addOpenTime(calendar, span.start, remaining);
    const open = openTimeBetween(calendar, span.start, span.end);
    // `>` rather than `>=` for a zero amount: it is reached at the first open instant, which may lie past `end`.
    if (open > remaining || (open === remaining && remaining > 0)) return addOpenTime(calendar, span.start, remaining);
    remaining -= open;
  }
  return null;
}

/**
 * The clock as it stood at `at`, taken to run on from then: what it had run
 * by `at`, then one stretch from `at` on. This answers "when was it due, as
 * of that moment" for a target that was met or stopped: nothing after `at`
 * (a later pause, a reopen) moves it, and a clock that was paused at `at`
 * resumes there rather than counting the pause.
 */
export function runningOnFrom(spans: readonly ClockSpan[], at: number): ClockSpan[] {
  const clipped: ClockSpan[] = [];
  for (const span of spans) {
    if (span.start >= at) break;
    clipped.push({ start: span.start, end: span.end === null ? at : Math.min(span.end, at) });
  }
  const last = clipped.at(-1);
  if (last !== undefined && last.end === at) last.end = null;
  else clipped.push({ start: at, end: null });
  return clipped;
}

/** How much open time the clock has run by `now`. */
export function elapsedBy(spans: readonly ClockSpan[], calendar: Calendar | null, now: number): number {
  let total = 0;
  for (const span of spans) {
    if (span.start >= now) break;
    total += openTimeBetween(calendar, span.start, Math.min(span.end ?? now, now));
  }
  return total;
}
