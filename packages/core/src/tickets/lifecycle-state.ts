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
