import type { DeskContext } from '../desk/desk-context.js';
import { TicketkitError } from '../errors/ticketkit-error.js';
import { createLifecycle, type Lifecycle } from '../lifecycle/lifecycle.js';
import type { LifecycleEvent, Principal } from '../lifecycle/lifecycle-events.js';
import type { Ticket } from '../schemas/ticket.js';
import { lifecycleStateOf } from './lifecycle-state.js';

const WHO: Record<Principal, string> = {
  requester: 'the customer',
  agent: 'an agent',
  admin: 'an admin',
  system: 'the system',
};
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// The same machine without the confirmation rule: what `close` would do if the desk did not require confirmation.
let withoutConfirmation: Lifecycle | undefined;

/**
 * Explains why the machine refused an event, asking the machine itself:
 * `CONFIRMATION_REQUIRED` when only the confirmation rule stands in the way,
 * then `FORBIDDEN` when this principal may never send the event, else
 * `INVALID_TRANSITION` with the events allowed now.
 */
export function refusalError(desk: DeskContext, ticket: Ticket, event: LifecycleEvent): TicketkitError {
  const { lifecycle } = desk;
  const state = lifecycleStateOf(ticket);
  if (lifecycle.context.requireConfirmation) {
    withoutConfirmation ??= createLifecycle({ requireConfirmation: false });
    if (withoutConfirmation.next(state, event)) {
      return new TicketkitError(
        'CONFIRMATION_REQUIRED',
        event.principal === 'admin'
          ? `Ticket ${ticket.number} awaits the customer's confirmation; pass { force: true } to close it anyway`
          : `Ticket ${ticket.number} closes when the customer confirms the resolution (or automatically after the quiet period); an admin can force it`,
        { event: event.type, status: ticket.status },
      );
    }
  }
  if (!lifecycle.everAllowed(event.type, event.principal)) {
    const rule =
      withoutConfirmation?.everAllowed(event.type, event.principal) === true
        ? ' on this desk: tickets close when the customer confirms (an admin can force it)'
        : '';
    return new TicketkitError(
      'FORBIDDEN',
      `${capitalized(WHO[event.principal])} may not ${event.type} a ticket${rule}`,
      {
        event: event.type,
      },
    );
  }
  const allowedEvents = lifecycle.allowedEvents(state, event.principal);
  const hint =
    state.assignment === 'unassigned' && event.type === 'START_WORK' ? ' and unassigned (assign it first)' : '';
  return new TicketkitError(
    'INVALID_TRANSITION',
    `${event.type} is not allowed for ${WHO[event.principal]} while ticket ${ticket.number} is ${ticket.status.replace('_', ' ')}${hint}; allowed now: ${allowedEvents.join(', ') || 'nothing'}`,
    { event: event.type, status: ticket.status, allowedEvents },
  );
}
