import type { DeskContext } from '../desk/desk-context.js';
import { newId } from '../internal/ids.js';
import type { Agent } from '../schemas/directory.js';
import type { JsonValue } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { NotificationType } from '../sdk/notifier.js';
import type { CommandName } from '../sdk/plugin.js';
import type { OutboxMessage } from '../storage/storage-adapter.js';
import type { ResolvedActor } from '../tickets/access.js';

/** One committed change, as the notification rules see it. */
export interface NotificationContext {
  /** The command that ran. */
  command: CommandName;
  /** The ticket before the command; `null` for `open`. */
  before: Ticket | null;
  /** The ticket as it will be committed. */
  after: Ticket;
  /** Who acted. */
  who: ResolvedActor;
  /** The thread entries the command writes. */
  entries: readonly ThreadEntry[];
  /** When (ISO 8601). */
  at: string;
}

type Recipient = { email: string; name: string | null };

interface Draft {
  type: NotificationType;
  recipients: Recipient[];
  data: Record<string, JsonValue>;
}

const requesterOf = (ticket: Ticket): Recipient => ({ email: ticket.requester.email, name: ticket.requester.name });
const agentRecipient = (agent: Agent): Recipient => ({ email: agent.email, name: agent.name });

async function departmentAgents(desk: DeskContext, departmentId: string): Promise<Agent[]> {
  const agents = await desk.storage.listRecords('agents');
  return agents.filter((agent) => agent.active && agent.departmentIds.includes(departmentId));
}

/** Who on the staff should hear about a ticket: its agent, else its team, else its department. */
async function holders(desk: DeskContext, ticket: Ticket): Promise<Agent[]> {
  if (ticket.assigneeId) {
    const agent = await desk.storage.getRecord('agents', ticket.assigneeId);
    return agent?.active ? [agent] : [];
  }
  if (ticket.teamId) {
    const team = await desk.storage.getRecord('teams', ticket.teamId);
    const members = await Promise.all((team?.memberIds ?? []).map((id) => desk.storage.getRecord('agents', id)));
    return members.filter((agent): agent is Agent => agent?.active === true);
  }
  return departmentAgents(desk, ticket.departmentId);
}

/** Staff recipients, never the agent who acted: nobody needs an alert about their own action. */
function staff(agents: readonly Agent[], who: ResolvedActor): Recipient[] {
  return agents.filter((agent) => who.kind !== 'agent' || agent.id !== who.agent.id).map(agentRecipient);
}

/**
 * Which notifications a change calls for, and to whom — osTicket's alerts and
 * notices:
 * - `open`: an auto-response to the customer, a new-ticket alert to the department;
 * - `assign`: an alert to the new agent (or the team's members);
 * - `transfer`: an alert to whoever now holds the ticket (or the new department);
 * - an agent's public reply: a reply notice to the customer;
 * - the customer's message: an alert to whoever holds the ticket;
 * - `resolve`: a resolved notice asking the customer to confirm;
 * - closing (other than by the customer's own confirmation): a closed notice asking for feedback.
 */
async function drafts(desk: DeskContext, context: NotificationContext): Promise<Draft[]> {
  const { command, before, after, who, entries } = context;
  const quote = (entry: ThreadEntry | undefined): Record<string, JsonValue> =>
    entry ? { entryId: entry.id, body: entry.body } : {};
  const base: Record<string, JsonValue> = { actor: who.author.name ?? who.author.type };
  const result: Draft[] = [];

  if (command === 'open') {
    const message = entries.find((entry) => entry.kind === 'message');
    result.push({
      type: 'ticket.auto_response',
      recipients: [requesterOf(after)],
      data: { ...base, ...quote(message) },
    });
    result.push({
      type: 'ticket.new_alert',
      recipients: staff(await departmentAgents(desk, after.departmentId), who),
      data: { ...base, ...quote(message) },
    });
    return result;
  }
  if (command === 'assign' && (after.assigneeId !== before?.assigneeId || after.teamId !== before?.teamId)) {
    result.push({ type: 'ticket.assigned_alert', recipients: staff(await holders(desk, after), who), data: base });
  }
  if (command === 'transfer') {
    const note = entries.find((entry) => entry.kind === 'event');
    result.push({
      type: 'ticket.transfer_alert',
      recipients: staff(await holders(desk, after), who),
      data: { ...base, ...quote(note) },
    });
  }
  const reply = entries.find((entry) => entry.kind === 'reply');
  if (reply && command !== 'resolve') {
    result.push({ type: 'ticket.reply_notice', recipients: [requesterOf(after)], data: { ...base, ...quote(reply) } });
  }
  const message = entries.find((entry) => entry.kind === 'message');
  if (message) {
    result.push({
      type: 'ticket.message_alert',
      recipients: staff(await holders(desk, after), who),
      data: { ...base, ...quote(message) },
    });
  }
  if (command === 'resolve') {
    result.push({
      type: 'ticket.resolved_notice',
      recipients: [requesterOf(after)],
      data: { ...base, ...quote(reply) },
    });
  }
  if (after.status === 'closed' && before?.status !== 'closed' && command !== 'confirmResolution') {
    result.push({ type: 'ticket.closed_notice', recipients: [requesterOf(after)], data: base });
  }
  return result;
}

/**
 * The outbox messages a change writes: one per enabled notification type,
 * recipient and notifier that accepts the type. Written in the change's own
 * change set, so a notification exists exactly when its change does.
 */
export async function planNotifications(desk: DeskContext, context: NotificationContext): Promise<OutboxMessage[]> {
  if (desk.notifiers.length === 0) return [];
  const messages: OutboxMessage[] = [];
  for (const draft of await drafts(desk, context)) {
    if (desk.settings.notifications[draft.type] === false) continue;
    for (const notifier of desk.notifiers) {
      if (notifier.types && !notifier.types.includes(draft.type)) continue;
      for (const recipient of draft.recipients) {
        messages.push({
          id: newId(),
          ticketId: context.after.id,
          notifierId: notifier.id,
          type: draft.type,
          recipient,
          data: draft.data,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: context.at,
          lastError: null,
          createdAt: context.at,
          updatedAt: context.at,
        });
      }
    }
  }
  return messages;
}
