import type { DirectoryReader } from '../directory/directory-cache.js';
import { TicketkitError } from '../errors/ticketkit-error.js';
import type { Principal } from '../lifecycle/lifecycle-events.js';
import type { Actor, Author } from '../schemas/actor.js';
import type { Agent } from '../schemas/directory.js';
import type { Ticket } from '../schemas/ticket.js';

/** An actor checked against the directory, with the author stamp its writes carry. */
export type ResolvedActor =
  | { kind: 'customer'; actor: Actor; author: Author; email: string }
  | { kind: 'agent'; actor: Actor; author: Author; agent: Agent }
  | { kind: 'system'; actor: Actor; author: Author };

/** Looks up an agent actor in the directory; unknown and inactive agents may do nothing. */
export async function resolveActor(directory: DirectoryReader, actor: Actor): Promise<ResolvedActor> {
  switch (actor.type) {
    case 'customer':
      return {
        kind: 'customer',
        actor,
        email: actor.email,
        author: { type: 'customer', email: actor.email, name: actor.name ?? null },
      };
    case 'system':
      return { kind: 'system', actor, author: { type: 'system', name: actor.name ?? null } };
    case 'agent': {
      const agent = await directory.get('agents', actor.id);
      if (!agent?.active) {
        throw new TicketkitError('FORBIDDEN', `Agent ${actor.id} is not an active agent of this desk`);
      }
      return { kind: 'agent', actor, agent, author: { type: 'agent', id: agent.id, name: agent.name } };
    }
  }
}

/** Whether an agent works in a department (admins work everywhere). */
export function worksIn(agent: Agent, departmentId: string): boolean {
  return agent.role === 'admin' || agent.departmentIds.includes(departmentId);
}

/**
 * Decides who the actor is to this ticket, or refuses: a customer who does
 * not own the ticket gets `NOT_FOUND` (existence is never leaked to
 * customers); an agent outside the ticket's department, who neither holds it
 * nor is on its team, gets `FORBIDDEN`.
 */
export async function principalFor(
  directory: DirectoryReader,
  who: ResolvedActor,
  ticket: Ticket,
  ref: string,
): Promise<Principal> {
  switch (who.kind) {
    case 'system':
      return 'system';
    case 'customer':
      if (ticket.requester.email !== who.email) throw notFound(ref);
      return 'requester';
    case 'agent': {
      const { agent } = who;
      if (agent.role === 'admin') return 'admin';
      if (worksIn(agent, ticket.departmentId) || ticket.assigneeId === agent.id) return 'agent';
      if (ticket.teamId) {
        const team = await directory.get('teams', ticket.teamId);
        if (team?.memberIds.includes(agent.id)) return 'agent';
      }
      throw new TicketkitError(
        'FORBIDDEN',
        `Agent ${agent.id} does not work in department ${ticket.departmentId} and does not hold ticket ${ticket.number}`,
      );
    }
  }
}

/** The error for a ticket that does not exist, or that the actor may not know exists. */
export function notFound(ref: string): TicketkitError {
  return new TicketkitError('NOT_FOUND', `No ticket ${ref}`);
}
