import type { LifecycleState } from '../schemas/audit.js';
import type { Ticket } from '../schemas/ticket.js';

/** The statechart value a stored ticket is in: the persisted fields are the state. */
export function lifecycleStateOf(
  ticket: Pick<Ticket, 'status' | 'assigneeId' | 'teamId' | 'slaState'>,
): LifecycleState {
  return {
    status: ticket.status,
    assignment: ticket.assigneeId !== null || ticket.teamId !== null ? 'assigned' : 'unassigned',
    sla: ticket.slaState,
  };
}

/** Whether a ticket closed less than the desk's `reopenWindow` ago (a ticket not closed always is). */
export function isWithinReopenWindow(
  ticket: Pick<Ticket, 'closedAt'>,
  now: Date,
  settings: { reopenWindowMs: number },
): boolean {
  if (ticket.closedAt === null) return true;
  return now.getTime() - Date.parse(ticket.closedAt) <= settings.reopenWindowMs;
}
