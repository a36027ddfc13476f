import {
  type AllowedActions,
  allowedActionsSchema,
  isTicketkitError,
  TICKET_ACTIONS,
  type Ticket,
  ticketSchema,
} from '@ticketkit/core';
import type { RouteContext } from '../routes/route.js';
import { ticketFor } from '../routes/route.js';

/**
 * A ticket as an agent sees it: every field, and `actions` — the commands
 * this agent may run on it now, each with the reason it is refused
 * otherwise (`CONFIRMATION_REQUIRED` for a close awaiting the customer).
 * The desk asks its statechart, so the console's buttons follow the same
 * rules as the commands.
 */
export const agentTicketSchema = ticketSchema.extend({ actions: allowedActionsSchema });

const NOTHING_ALLOWED = Object.fromEntries(
  TICKET_ACTIONS.map((action) => [action, { allowed: false, reason: 'FORBIDDEN' }]),
) as AllowedActions;

/** The ticket body of a response: with `actions` for agents, the customer view for customers. */
export async function ticketBody(context: RouteContext, ticket: Ticket): Promise<Record<string, unknown> | Ticket> {
  const { identity } = context;
  if (identity.kind !== 'session' || identity.actor.type !== 'agent') return ticketFor(identity, ticket);
  const actions = await context.desk.tickets
    .allowedActions(ticket.id, { actor: identity.actor })
    .catch((error: unknown) => {
      // The command just committed moved the ticket out of the agent's reach (a transfer to another
      // department): the change stands, and nothing more is theirs to do on it.
      if (isTicketkitError(error, 'FORBIDDEN')) return NOTHING_ALLOWED;
      throw error;
    });
  return { ...ticket, actions };
}
