import type { AuditEvent } from '../schemas/audit.js';
import type { Calendar, SlaPlan } from '../schemas/directory.js';
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

/** Where one SLA target stands. */
export interface SlaTargetEvaluation {
  /** When the target is due (ISO 8601), after pauses are added. */
  dueAt: string;
  /** When the target becomes at risk (ISO 8601). */
  warnAt: string;
  /** When the target was met (ISO 8601), or `null`. */
  metAt: string | null;
}

/** The outcome of evaluating a ticket against its plan. */
export interface SlaEvaluation {
  /** The first-response target, or `null` when the plan has none. */
  firstResponse: SlaTargetEvaluation | null;
  /** The resolution target, or `null` when the plan has none. */
  resolution: SlaTargetEvaluation | null;
  /** The state the `sla` region should be in at `now`. */
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
  /** The plan a new ticket gets when none is given (by priority, department or topic); `null` for none. */
  selectPlan?(ticket: Ticket, plans: readonly SlaPlan[]): string | null;
  /** Evaluates a ticket at `input.now`. */
  evaluate(input: SlaEvaluationInput): SlaEvaluation;
}
