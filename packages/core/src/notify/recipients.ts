import type { DeskContext } from '../desk/desk-context.js';
import type { Agent } from '../schemas/directory.js';
import type { Ticket } from '../schemas/ticket.js';
import type { NotificationAudience } from '../storage/storage-adapter.js';

/** A person a notification goes to. */
export interface Recipient {
  /** Where it goes. */
  email: string;
  /** How to greet them. */
  name: string | null;
  /** The customer, or an agent (alerts carry the agent's link). */
  kind: 'customer' | 'agent';
}

const asRecipient = (agent: Agent): Recipient => ({ email: agent.email, name: agent.name, kind: 'agent' });

/**
 * The people an audience means now (when the message is dispatched, not
 * when it was written): the requester; a department's active agents; or
 * whoever holds the ticket — its agent, else its team's members, else its
 * department's agents. The agent who acted is left out; nobody is listed twice.
 */
export async function resolveAudience(
  desk: DeskContext,
  ticket: Ticket,
  audience: NotificationAudience,
  excludeAgentId: string | null,
): Promise<Recipient[]> {
  if (audience.kind === 'requester') {
    return [{ email: ticket.requester.email, name: ticket.requester.name, kind: 'customer' }];
  }
  const agents = (await desk.directory.list('agents')).filter((agent) => agent.active && agent.id !== excludeAgentId);
  const ofDepartment = (departmentId: string) => agents.filter((agent) => agent.departmentIds.includes(departmentId));
  let chosen: Agent[];
  if (audience.kind === 'department') {
    chosen = ofDepartment(audience.departmentId);
  } else if (audience.assigneeId !== null) {
    chosen = agents.filter((agent) => agent.id === audience.assigneeId);
  } else if (audience.teamId !== null) {
    const team = await desk.directory.get('teams', audience.teamId);
    chosen = agents.filter((agent) => team?.memberIds.includes(agent.id));
  } else {
    chosen = ofDepartment(audience.departmentId);
  }
  const seen = new Set<string>();
  return chosen.filter((agent) => !seen.has(agent.email) && seen.add(agent.email)).map(asRecipient);
}
