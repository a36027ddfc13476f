import type { AuditEvent } from '../schemas/audit.js';
import type { Calendar, CalendarInput, SlaPlan, SlaPlanInput } from '../schemas/directory.js';
import type { SlaState } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';

/** Everything an {@link SlaPolicy} may look at to evaluate one ticket. */
export interface SlaEvaluationInput {
  /** The ticket as stored. */
  ticket: Ticket;
  /** Its SLA plan. */
  plan: SlaPlan;
  /** The plan's business-hours calendar, or `null` for around the clock. */
  calendar: Calendar | null;
  /** The ticket's audit history, oldest first: when it waited on the customer, when it was answered, reopened. */
  history: readonly AuditEvent[];
  /** The instant to evaluate at. */
  now: Date;
}

/**
 * Where one SLA target stands: `on_track`, `at_risk` (past its warning
 * time), `breached` (past due, not met), `paused` (the clock is stopped while
 * the ticket awaits the customer), `met` (on time), `met_late`, or
 * `stopped` (the ticket was resolved without the target being met, e.g. no
 * reply before resolving: it no longer runs).
 */
export type SlaTargetState = 'on_track' | 'at_risk' | 'breached' | 'paused' | 'met' | 'met_late' | 'stopped';

/** The target states whose clock still counts: the scheduler watches these. */
export const ACTIVE_TARGET_STATES = [
  'on_track',
  'at_risk',
  'breached',
  'paused',
] as const satisfies readonly SlaTargetState[];

/** One SLA target of a ticket, evaluated. */
export interface SlaTargetEvaluation {
  /** When the target is (or was) due (ISO 8601); `null` while the clock is paused short of it. */
  dueAt: string | null;
  /** When the target becomes (or became) at risk (ISO 8601); `null` while the clock is paused short of it. */
  warnAt: string | null;
  /** When the target was met (ISO 8601), or `null`. */
  metAt: string | null;
  /** Open time left before it is due, in milliseconds: at `now`, or, once met or stopped, when that happened; 0 when past due. */
  remainingMs: number;
  /** Where it stands at `now`. */
  state: SlaTargetState;
}

/** The outcome of evaluating a ticket against its plan. */
export interface SlaEvaluation {
  /** The first-response target, or `null` when the plan has none. */
  firstResponse: SlaTargetEvaluation | null;
  /** The resolution target, or `null` when the plan has none. */
  resolution: SlaTargetEvaluation | null;
  /**
   * The state the `sla` region should be in at `now`: `breached` when a
   * target that still counts is past due, else `paused` while the clock is
   * stopped awaiting the customer, else `at_risk` or `on_track`. For a
   * resolved or closed ticket, `breached` if a target was missed, else
   * `on_track` (the scheduler does not move the region then).
   */
  state: SlaState;
}

/**
 * The SLA plugin interface: computes due dates and the SLA state of a ticket
 * from its plan, calendar and history. A policy is a pure function of its
 * input — no clock, no I/O — so changing a plan replays correctly and two
 * schedulers agree.
 */
export interface SlaPolicy {
  /** A unique, stable name. */
  readonly id: string;
  /** Calendars the policy brings: `createHelpDesk` upserts them into the directory (before the plans). */
  readonly calendars?: readonly CalendarInput[];
  /** SLA plans the policy brings: `createHelpDesk` upserts them into the directory. */
  readonly plans?: readonly SlaPlanInput[];
  /**
   * The plan a ticket gets by default (by priority, department or topic);
   * `null` for none. Asked when a ticket opens, and again when its priority,
   * department, topic or custom fields change while it still has the plan
   * this chose. Synchronous and pure: put what it needs (a customer tier) in
   * the ticket's `fields` at intake.
   */
  selectPlan?(ticket: Ticket, plans: readonly SlaPlan[]): string | null;
  /** Evaluates a ticket at `input.now`. */
  evaluate(input: SlaEvaluationInput): SlaEvaluation;
}
