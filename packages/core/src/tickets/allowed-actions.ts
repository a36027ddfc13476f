import type { DeskContext } from '../desk/desk-context.js';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { LifecycleEvent, Principal } from '../lifecycle/lifecycle-events.js';
import type { AllowedAction, AllowedActions, TicketAction } from '../schemas/allowed-actions.js';
import { actionRefusalSchema, TICKET_ACTIONS } from '../schemas/allowed-actions.js';
import { type QueryOptions, queryOptionsSchema } from '../schemas/commands.js';
import { parseInput } from '../schemas/parse.js';
import { ticketRefSchema } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import { principalFor, resolveActor } from './access.js';
import { isWithinReopenWindow, lifecycleStateOf } from './lifecycle-state.js';
import { refusalError } from './refusal.js';
import { loadForActor } from './run-command.js';

type Variants = LifecycleEvent[];

/**
 * The statechart events each command may send, as its `plan` would build
 * them. Where a flag depends on the command's input (does the transfer name
 * an agent?) every variant is listed: the action is offered when one is accepted.
 */
function eventsOf(action: TicketAction, principal: Principal, withinWindow: boolean): Variants {
  const base = { principal };
  switch (action) {
    case 'assign':
      return [{ type: 'ASSIGN', ...base }];
    case 'unassign':
      return [{ type: 'UNASSIGN', ...base }];
    case 'transfer':
      return [
        { type: 'TRANSFER', ...base, assigns: false },
        { type: 'TRANSFER', ...base, assigns: true },
      ];
    case 'startWork':
      return [{ type: 'START_WORK', ...base }];
    case 'reply':
      return principal === 'requester'
        ? [{ type: 'CUSTOMER_REPLY', ...base, withinReopenWindow: withinWindow }]
        : [{ type: 'AGENT_REPLY', ...base }];
    case 'note':
      return [{ type: 'NOTE', ...base }];
    case 'requestInfo':
      return [
        { type: 'REQUEST_INFO', ...base, pausesSla: false },
        { type: 'REQUEST_INFO', ...base, pausesSla: true },
      ];
    case 'resolve':
      return [{ type: 'RESOLVE', ...base }];
    case 'confirmResolution':
      return [{ type: 'CONFIRM_RESOLUTION', ...base }];
    case 'feedback':
      return [{ type: 'FEEDBACK', ...base }];
    case 'close':
      return [{ type: 'CLOSE', ...base, force: false }];
    case 'reopen':
      return [{ type: 'REOPEN', ...base, withinReopenWindow: withinWindow }];
    case 'update':
      return [{ type: 'UPDATE', ...base }];
  }
}

/**
 * Asks the statechart which commands `principal` may run on `ticket` now,
 * and for each refused one, the code the command would fail with (the same
 * {@link refusalError} the command throws). An admin's `close` awaiting the
 * customer's confirmation is allowed with `requiresForce`.
 */
export function allowedActionsFor(desk: DeskContext, ticket: Ticket, principal: Principal): AllowedActions {
  const state = lifecycleStateOf(ticket);
  const withinWindow = isWithinReopenWindow(ticket, desk.clock.now(), desk.settings);
  const answer = {} as AllowedActions;
  for (const action of TICKET_ACTIONS) {
    const variants = eventsOf(action, principal, withinWindow);
    let result: AllowedAction;
    if (variants.some((event) => desk.lifecycle.next(state, event))) {
      result = { allowed: true };
    } else if (action === 'reply' && principal === 'requester' && ticket.status === 'closed') {
      // Past the reopen window the customer's reply opens a follow-up ticket: still accepted.
      result = { allowed: true };
    } else if (
      action === 'close' &&
      principal === 'admin' &&
      desk.lifecycle.next(state, { ...variants[0], force: true } as LifecycleEvent)
    ) {
      result = { allowed: true, requiresForce: true };
    } else {
      const code = refusalError(desk, ticket, variants[0] as LifecycleEvent).code;
      result = { allowed: false, reason: actionRefusalSchema.parse(code) };
    }
    answer[action] = result;
  }
  return answer;
}

/** `desk.tickets.allowedActions`: what the actor may do with the ticket now (access checked as `get` does). */
export async function allowedActions(
  desk: DeskContext,
  ref: string,
  rawOptions: QueryOptions,
): Promise<AllowedActions> {
  const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
  const refValue = parseInput(ticketRefSchema, ref, 'ticket reference', ['ref']);
  const who = await resolveActor(desk.directory, options.actor);
  const { ticket, principal } = await loadForActor(desk, refValue, who);
  return allowedActionsFor(desk, ticket, principal);
}

/**
 * `desk.tickets.canView`: whether the actor may read this ticket, by the
 * same rule as `get` (customers their own, agents their departments, the
 * tickets they or their team hold, admins all) — without loading it again.
 */
export async function canView(desk: DeskContext, ticket: Ticket, rawOptions: QueryOptions): Promise<boolean> {
  const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
  try {
    const who = await resolveActor(desk.directory, options.actor);
    await principalFor(desk.directory, who, ticket, ticket.id);
    return true;
  } catch (error) {
    if (isTicketkitError(error, 'FORBIDDEN') || isTicketkitError(error, 'NOT_FOUND')) return false;
    throw error;
  }
}
