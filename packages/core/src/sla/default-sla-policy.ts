import type { CalendarInput, SlaPlan, SlaPlanInput } from '../schemas/directory.js';
import type { Priority, SlaState } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';
import type {
  SlaEvaluation,
  SlaEvaluationInput,
  SlaPolicy,
  SlaTargetEvaluation,
  SlaTargetState,
} from '../sdk/sla-policy.js';
import { parseDuration } from '../time/duration.js';
import {
  type ClockSpan,
  elapsedBy,
  instantAfter,
  runningOnFrom,
  runningSpans,
  type StatusSpell,
  statusSpells,
} from './sla-clock.js';

/** Which plan a ticket gets when nobody chose one: the first rule that names a plan wins. */
export interface DefaultPlanRules {
  /** By the ticket's topic (`topic` given at intake). Checked first. */
  byTopic?: Readonly<Record<string, string>>;
  /** By the ticket's department. Checked second. */
  byDepartment?: Readonly<Record<string, string>>;
  /** By priority. Checked third. */
  byPriority?: Readonly<Partial<Record<Priority, string>>>;
  /** Every other ticket. Without it, such tickets have no plan until an agent sets one. */
  fallback?: string;
}

/** Options of {@link defaultSlaPolicy}. */
export interface DefaultSlaPolicyOptions {
  /**
   * SLA plans to register (they are upserted into the directory when the desk
   * starts, like `desk.slaPlans.upsert`). Plans upserted later work the same.
   * @default []
   */
  plans?: readonly SlaPlanInput[];
  /**
   * Business-hours calendars to register, upserted before the plans.
   * @default []
   */
  calendars?: readonly CalendarInput[];
  /**
   * The plan of a ticket nobody chose a plan for, by topic, department or
   * priority. An agent's `update({ slaPlanId })` always wins.
   * @default no default plan
   */
  defaultPlan?: DefaultPlanRules;
}

type Target = 'firstResponse' | 'resolution';
const ACTIVE_STATUSES = new Set(['open', 'in_progress', 'awaiting_customer']);

/** The plan's target lengths in milliseconds (the schema checked they parse). */
function targetMs(plan: SlaPlan, target: Target): number {
  return parseDuration(target === 'firstResponse' ? plan.firstResponseWithin : plan.resolveWithin) ?? 0;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function evaluateTarget(
  input: SlaEvaluationInput,
  spans: readonly ClockSpan[],
  target: Target,
  metAt: string | null,
  stoppedAt: number | null,
): SlaTargetEvaluation {
  const { plan, calendar, ticket } = input;
  const now = input.now.getTime();
  const length = targetMs(plan, target);
  const active = ACTIVE_STATUSES.has(ticket.status);
  // A met or stopped target keeps the due time it had at that moment: what the clock had run by then, run on
  // from there. Later pauses or a reopen do not move it, and a pause it was met in does not count against it.
  const until = metAt !== null ? Math.max(Date.parse(metAt), Date.parse(ticket.createdAt)) : (stoppedAt ?? now);
  const clock = metAt !== null || stoppedAt !== null ? runningOnFrom(spans, until) : spans;
  const dueAt = instantAfter(clock, calendar, length);
  const warnAt = instantAfter(clock, calendar, Math.floor(length * plan.warnAt));
  const remainingMs = Math.max(0, length - elapsedBy(spans, calendar, until));

  let state: SlaTargetState;
  if (metAt !== null) state = dueAt !== null && until > dueAt ? 'met_late' : 'met';
  else if (dueAt !== null && dueAt <= until) state = 'breached';
  else if (!active) state = 'stopped';
  else if (spans.at(-1)?.end !== null) state = 'paused';
  else state = warnAt !== null && warnAt <= now ? 'at_risk' : 'on_track';
  return { dueAt: iso(dueAt), warnAt: iso(warnAt), metAt, remainingMs, state };
}

/** When a ticket that no longer counts stopped its clock: the moment it last left the statuses that count. */
function stopInstant(spells: readonly StatusSpell[], now: number): number {
  const last = spells.findLastIndex((spell) => ACTIVE_STATUSES.has(spell.status));
  // A history that ends in a status that counts disagrees with the ticket: take the clock as stopping now.
  return spells[last + 1]?.at ?? now;
}

/** The `sla` region's state for a set of evaluated targets (see {@link SlaEvaluation.state}). */
export function overallSlaState(
  ticket: Pick<Ticket, 'status'>,
  targets: readonly (SlaTargetEvaluation | null)[],
): SlaState {
  const states = targets.flatMap((target) => (target ? [target.state] : []));
  if (!ACTIVE_STATUSES.has(ticket.status)) {
    return states.some((state) => state === 'met_late' || state === 'breached') ? 'breached' : 'on_track';
  }
  if (states.includes('breached')) return 'breached';
  if (states.includes('paused')) return 'paused';
  if (states.includes('at_risk')) return 'at_risk';
  return 'on_track';
}

function selectByRules(rules: DefaultPlanRules, ticket: Ticket, plans: readonly SlaPlan[]): string | null {
  const known = (id: string | undefined) => (id !== undefined && plans.some((plan) => plan.id === id) ? id : null);
  const own = <V>(record: Readonly<Record<string, V>> | undefined, key: string | null): V | undefined =>
    record && key !== null && Object.hasOwn(record, key) ? record[key] : undefined;
  return (
    known(own(rules.byTopic, ticket.topic)) ??
    known(own(rules.byDepartment, ticket.departmentId)) ??
    known(own(rules.byPriority, ticket.priority)) ??
    known(rules.fallback)
  );
}

/**
 * The SLA policy every desk has unless it brings its own: a first-response
 * and a resolution target per plan, counted in business time when the plan
 * has a calendar, from the moment the ticket was opened.
 *
 * - The clock runs while the ticket is open or in progress, and while it
 *   awaits the customer unless the plan pauses then; never while resolved or
 *   closed. A reopened ticket's clock resumes where it stopped.
 * - A ticket opened outside business hours starts its clock at the next opening.
 * - The first response is met by the first public reply of an agent; the
 *   resolution by resolving. A met target keeps the due time it had then,
 *   and is late only if the clock had run out by then (time paused before it
 *   does not count, whatever happens after it).
 * - A target is at risk once `warnAt` of it has run.
 * - Changing the plan replays the ticket's history under the new plan.
 *
 * Durations count open time: with a 9–17 calendar, `'8h'` is one business
 * day and `'1d'` is 24 open hours, three business days.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({
 *   storage,
 *   sla: defaultSlaPolicy({
 *     calendars: [{ id: 'ny', timeZone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] } }],
 *     plans: [{ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h', calendarId: 'ny' }],
 *     defaultPlan: { byPriority: { urgent: 'sev-a' } },
 *   }),
 * });
 * ```
 */
export function defaultSlaPolicy(options: DefaultSlaPolicyOptions = {}): SlaPolicy {
  const rules = options.defaultPlan ?? {};
  return {
    id: 'default',
    calendars: options.calendars ?? [],
    plans: options.plans ?? [],
    selectPlan: (ticket, plans) => selectByRules(rules, ticket, plans),
    evaluate(input): SlaEvaluation {
      const spells = statusSpells(input.ticket, input.history);
      const spans = runningSpans(spells, input.plan.pauseWhileAwaitingCustomer);
      const active = ACTIVE_STATUSES.has(input.ticket.status);
      const resolvedAt = active ? null : input.ticket.resolvedAt;
      const stoppedAt = active ? null : stopInstant(spells, input.now.getTime());
      const firstResponse = evaluateTarget(input, spans, 'firstResponse', input.ticket.firstRespondedAt, stoppedAt);
      const resolution = evaluateTarget(input, spans, 'resolution', resolvedAt, stoppedAt);
      return { firstResponse, resolution, state: overallSlaState(input.ticket, [firstResponse, resolution]) };
    },
  };
}
