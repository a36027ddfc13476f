import type { DeskContext } from '../desk/desk-context.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { SlaPlan } from '../schemas/directory.js';
import type { Ticket } from '../schemas/ticket.js';
import type { SlaEvaluation } from '../sdk/sla-policy.js';
import { type FiredCrossings, firedCrossings, nextCheckAt, remindedSince } from './sla-schedule.js';

/** The ticket fields the scheduler's bookkeeping sets. */
export type ScheduleFields = Pick<Ticket, 'firstResponseDueAt' | 'resolutionDueAt' | 'nextCheckAt'>;

/** A ticket's SLA standing and next check, as of a moment. */
export interface TicketSchedule {
  /** The fields to store on the ticket. */
  fields: ScheduleFields;
  /** The policy's evaluation, or `null` when the ticket has no plan (or the policy failed). */
  evaluation: SlaEvaluation | null;
  /** What has fired for its plan. */
  fired: FiredCrossings;
}

/** The ticket's plan and the plan's calendar, or `null` when it has no plan (or the plan is gone). */
async function planOf(desk: DeskContext, ticket: Ticket) {
  if (ticket.slaPlanId === null) return null;
  const plan = await desk.directory.get('slaPlans', ticket.slaPlanId);
  if (!plan) return null;
  const calendar = plan.calendarId === null ? null : await desk.directory.get('calendars', plan.calendarId);
  return { plan, calendar };
}

/**
 * Asks the desk's policy about a ticket. A policy that throws (a custom one
 * with a bug, a calendar that never opens) is logged and treated as no
 * evaluation: it must never break the command that asked.
 */
export async function evaluateSla(
  desk: DeskContext,
  ticket: Ticket,
  history: readonly AuditEvent[],
  now: Date,
): Promise<SlaEvaluation | null> {
  const found = await planOf(desk, ticket);
  if (!found) return null;
  try {
    return desk.sla.evaluate({ ticket, plan: found.plan, calendar: found.calendar, history, now });
  } catch (error) {
    desk.logger.error(`SLA policy '${desk.sla.id}' failed for ticket ${ticket.number}`, { error });
    return null;
  }
}

/** Whether working out a ticket's schedule needs its history (otherwise it is plain arithmetic on the ticket). */
export function scheduleNeedsHistory(desk: DeskContext, ticket: Ticket): boolean {
  return ticket.slaPlanId !== null || (ticket.status === 'awaiting_customer' && desk.settings.remindAfterMs !== null);
}

/**
 * Works out a ticket's due times and next check from its plan and history
 * (which must include the change being made).
 */
export async function scheduleTicket(
  desk: DeskContext,
  ticket: Ticket,
  history: readonly AuditEvent[],
  now: Date,
): Promise<TicketSchedule> {
  const evaluation = await evaluateSla(desk, ticket, history, now);
  const fired = firedCrossings(history);
  const reminded = ticket.status === 'awaiting_customer' && remindedSince(history, ticket.statusChangedAt);
  return {
    evaluation,
    fired,
    fields: {
      firstResponseDueAt: evaluation?.firstResponse?.dueAt ?? null,
      resolutionDueAt: evaluation?.resolution?.dueAt ?? null,
      nextCheckAt: nextCheckAt({
        ticket,
        evaluation,
        fired,
        reminded,
        autoCloseAfterMs: desk.settings.autoCloseAfterMs,
        remindAfterMs: desk.settings.remindAfterMs,
        now,
      }),
    },
  };
}

/**
 * The plan a ticket gets by default, per the policy's `selectPlan`; `null`
 * when the policy has no rule for it.
 */
export async function defaultPlanFor(desk: DeskContext, ticket: Ticket): Promise<string | null> {
  if (!desk.sla.selectPlan) return null;
  const plans: readonly SlaPlan[] = await desk.directory.list('slaPlans');
  return desk.sla.selectPlan(ticket, plans);
}
