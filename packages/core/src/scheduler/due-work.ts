import type { DeskContext } from '../desk/desk-context.js';
import type { Ticket } from '../schemas/ticket.js';
import { firedCrossings, planSlaCheck, remindedSince, type SlaCheck } from '../sla/sla-schedule.js';
import { evaluateSla } from '../sla/sla-service.js';

/** What the scheduler does to a ticket that came due: one of its own commands. */
export type DueWork =
  | { command: 'autoClose'; input: Record<string, never> }
  | { command: 'remind'; input: Record<string, never> }
  | { command: 'slaCheck'; input: SlaCheck }
  | { command: 'reschedule'; input: Record<string, never> };

const ACTIVE = new Set<Ticket['status']>(['open', 'in_progress', 'awaiting_customer']);

/**
 * Works out what is due on a ticket whose `nextCheckAt` has come: close it
 * (resolved for `autoCloseAfter`), remind its customer (awaiting them for
 * `remindAfter`, once per wait), or fire its SLA crossings and move the `sla`
 * region where the policy says. One thing per look: the command sets the next
 * `nextCheckAt`, and the sweep comes back for the rest.
 *
 * When nothing is due — a plan, calendar or setting changed after the check
 * time was set — the answer is `reschedule`, which only sets it again.
 */
export async function dueWork(desk: DeskContext, ticket: Ticket, now: Date): Promise<DueWork> {
  const { autoCloseAfterMs, remindAfterMs } = desk.settings;
  const at = now.getTime();
  if (ticket.status === 'resolved' && autoCloseAfterMs !== null && ticket.resolvedAt !== null) {
    if (Date.parse(ticket.resolvedAt) + autoCloseAfterMs <= at) return { command: 'autoClose', input: {} };
  }
  if (!ACTIVE.has(ticket.status)) return { command: 'reschedule', input: {} };

  const history = await desk.storage.listAudit(ticket.id);
  if (
    ticket.status === 'awaiting_customer' &&
    remindAfterMs !== null &&
    Date.parse(ticket.statusChangedAt) + remindAfterMs <= at &&
    !remindedSince(history, ticket.statusChangedAt)
  ) {
    return { command: 'remind', input: {} };
  }
  const evaluation = await evaluateSla(desk, ticket, history, now);
  const check = evaluation && planSlaCheck(evaluation, firedCrossings(history), ticket.slaState);
  return check ? { command: 'slaCheck', input: check } : { command: 'reschedule', input: {} };
}
