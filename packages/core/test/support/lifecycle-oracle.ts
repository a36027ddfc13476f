import type { LifecycleEvent, LifecycleState } from '../../src/index.js';

/**
 * DESIGN §2 written out as plain code, independently of the statechart: the
 * expected next state for an event, or `null` when the lifecycle must refuse
 * it. Tests compare the machine (and the service built on it) against this.
 */
export function expectedNext(
  state: LifecycleState,
  event: LifecycleEvent,
  requireConfirmation: boolean,
): LifecycleState | null {
  const { status, assignment, sla } = state;
  const by = event.principal;
  const staff = by === 'agent' || by === 'admin';
  const assigned = assignment === 'assigned';
  const workState = assigned ? 'in_progress' : 'open';
  const active = status === 'open' || status === 'in_progress' || status === 'awaiting_customer';
  const leavingPause = (next: LifecycleState['status']) =>
    ({ ...state, status: next, sla: sla === 'paused' ? 'on_track' : sla }) as LifecycleState;

  switch (event.type) {
    case 'NOTE':
      return by === 'requester' ? null : state;
    case 'UPDATE':
    case 'AGENT_REPLY':
      return staff && status !== 'closed' ? state : null;
    case 'ASSIGN':
      return by !== 'requester' && status !== 'closed' ? { ...state, assignment: 'assigned' } : null;
    case 'UNASSIGN':
      if (by === 'requester' || status === 'closed' || !assigned) return null;
      return { ...state, assignment: 'unassigned', status: status === 'in_progress' ? 'open' : status };
    case 'TRANSFER':
      if (by === 'requester' || status === 'closed') return null;
      if (event.assigns) return { ...state, assignment: 'assigned' };
      return { ...state, assignment: 'unassigned', status: status === 'in_progress' ? 'open' : status };
    case 'START_WORK':
      return staff && assigned && active ? leavingPause('in_progress') : null;
    case 'REQUEST_INFO': {
      if (!staff || !active) return null;
      const pauses = event.pausesSla && status !== 'awaiting_customer' && (sla === 'on_track' || sla === 'at_risk');
      return { ...state, status: 'awaiting_customer', sla: pauses ? 'paused' : sla };
    }
    case 'RESOLVE':
      // Resolving ends a pause and an SLA risk; a breach stays on record.
      return staff && active
        ? { ...leavingPause('resolved'), ...(sla === 'at_risk' ? { sla: 'on_track' } : {}) }
        : null;
    case 'CUSTOMER_REPLY':
      if (by !== 'requester') return null;
      if (status === 'open' || status === 'in_progress') return state;
      if (status === 'awaiting_customer') return leavingPause(workState);
      if (status === 'resolved') return { ...state, status: workState };
      return event.withinReopenWindow ? { ...state, status: workState } : null;
    case 'CONFIRM_RESOLUTION':
      return by === 'requester' && status === 'resolved' ? { ...state, status: 'closed' } : null;
    case 'CLOSE': {
      if (status !== 'resolved') return null;
      const allowed =
        (by === 'agent' && !requireConfirmation) || (by === 'admin' && (!requireConfirmation || event.force));
      return allowed ? { ...state, status: 'closed' } : null;
    }
    case 'REOPEN':
      if (status === 'resolved') return by === 'system' ? null : { ...state, status: workState };
      if (status === 'closed') {
        return staff || (by === 'requester' && event.withinReopenWindow) ? { ...state, status: workState } : null;
      }
      return null;
    case 'AUTO_CLOSE':
      return by === 'system' && status === 'resolved' ? { ...state, status: 'closed' } : null;
    case 'FEEDBACK':
      return by === 'requester' && status === 'closed' ? state : null;
    case 'REMIND':
      return by === 'system' && status === 'awaiting_customer' ? state : null;
    case 'RESCHEDULE':
      return by === 'system' ? state : null;
    // The scheduler moves the SLA region to wherever the policy says, while the clock can run.
    case 'SLA_WARNING':
      return by === 'system' && active ? { ...state, sla: 'at_risk' } : null;
    case 'SLA_BREACH':
      return by === 'system' && active ? { ...state, sla: 'breached' } : null;
    case 'SLA_OK':
      return by === 'system' && active && sla !== 'on_track' ? { ...state, sla: 'on_track' } : null;
    case 'SLA_PAUSE':
      return by === 'system' && status === 'awaiting_customer' && sla !== 'paused' ? { ...state, sla: 'paused' } : null;
  }
}

/** The invariants no reachable state may break. */
export function invariantViolations(state: LifecycleState): string[] {
  const violations: string[] = [];
  if (state.status === 'in_progress' && state.assignment !== 'assigned')
    violations.push('in progress but nobody holds it');
  if (state.sla === 'paused' && state.status !== 'awaiting_customer')
    violations.push('SLA paused while not awaiting the customer');
  return violations;
}
