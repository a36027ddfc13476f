import type { DeskContext } from '../desk/desk-context.js';
import { newId } from '../internal/ids.js';
import type { LifecycleEvent } from '../lifecycle/lifecycle-events.js';
import type { JsonValue } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { NotificationType } from '../sdk/notifier.js';
import type { NotificationAudience, OutboxMessage, PlannedNotification } from '../storage/storage-adapter.js';
import type { ResolvedActor } from '../tickets/access.js';
import type { SpecName } from '../tickets/command-names.js';

/** One committed change, as the notification rules see it. */
export interface NotificationContext {
  /** The command that ran. */
  command: SpecName | 'open';
  /** The statechart event it sent; `null` for `open`. */
  event: LifecycleEvent | null;
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
  /** For `open`: whether the requester gets the auto-response (not when the ticket came from an automatic message). */
  autoResponse?: boolean;
}

type Draft = PlannedNotification & { type: NotificationType };

const holdersOf = (ticket: Ticket): NotificationAudience => ({
  kind: 'holders',
  departmentId: ticket.departmentId,
  teamId: ticket.teamId,
  assigneeId: ticket.assigneeId,
});

/**
 * Which notifications a change calls for — osTicket's alerts and notices:
 * - `open`: an auto-response to the customer, a new-ticket alert to the department;
 * - `assign`: an alert to the new agent (or the team's members);
 * - `transfer`: an alert to whoever now holds the ticket (or the new department);
 * - an agent's public reply: a reply notice to the customer;
 * - the customer's message: an alert to whoever holds the ticket;
 * - `resolve`: a resolved notice asking the customer to confirm;
 * - closing (other than by the customer's own confirmation): a closed notice asking for feedback;
 * - a missed SLA target: an overdue alert to whoever holds the ticket (once per target);
 * - the scheduler's reminder: a reminder to the customer who has not answered.
 */
function drafts({ command, event, before, after, who, entries, autoResponse }: NotificationContext): Draft[] {
  // The entry is quoted by id: its body is in the thread already, and read when the notification is sent.
  const quote = (entry: ThreadEntry | undefined): Record<string, JsonValue> => (entry ? { entryId: entry.id } : {});
  const base: Record<string, JsonValue> = { actor: who.author.name ?? who.author.type };
  const requester: NotificationAudience = { kind: 'requester' };
  const result: Draft[] = [];
  const reply = entries.find((entry) => entry.kind === 'reply');
  const message = entries.find((entry) => entry.kind === 'message');

  if (command === 'open') {
    // Never an auto-response to an automatic message: two robots answering each other loop forever.
    if (autoResponse !== false) {
      result.push({ type: 'ticket.auto_response', audience: requester, data: { ...base, ...quote(message) } });
    }
    result.push({
      type: 'ticket.new_alert',
      audience: { kind: 'department', departmentId: after.departmentId },
      data: { ...base, ...quote(message) },
    });
    return result;
  }
  if (command === 'assign' && (after.assigneeId !== before?.assigneeId || after.teamId !== before?.teamId)) {
    result.push({ type: 'ticket.assigned_alert', audience: holdersOf(after), data: base });
  }
  if (command === 'transfer') {
    result.push({
      type: 'ticket.transfer_alert',
      audience: holdersOf(after),
      data: { ...base, ...quote(entries.find((entry) => entry.kind === 'event')) },
    });
  }
  if (reply && command !== 'resolve')
    result.push({ type: 'ticket.reply_notice', audience: requester, data: { ...base, ...quote(reply) } });
  if (message)
    result.push({ type: 'ticket.message_alert', audience: holdersOf(after), data: { ...base, ...quote(message) } });
  if (command === 'resolve')
    result.push({ type: 'ticket.resolved_notice', audience: requester, data: { ...base, ...quote(reply) } });
  if (after.status === 'closed' && before?.status !== 'closed' && command !== 'confirmResolution') {
    result.push({ type: 'ticket.closed_notice', audience: requester, data: base });
  }
  const breached = event && 'breached' in event ? (event.breached ?? []) : [];
  for (const target of breached) {
    const dueAt = target === 'first_response' ? after.firstResponseDueAt : after.resolutionDueAt;
    result.push({ type: 'ticket.overdue_alert', audience: holdersOf(after), data: { ...base, target, dueAt } });
  }
  if (command === 'remind') result.push({ type: 'ticket.awaiting_reminder', audience: requester, data: base });
  return result;
}

/**
 * The outbox message a change writes, if any: its enabled notifications, each
 * with its audience; people are resolved when the message is dispatched.
 * Pure: it reads nothing, so it adds no query to the command.
 */
export function planNotifications(desk: DeskContext, context: NotificationContext): OutboxMessage[] {
  if (desk.notifiers.length === 0) return [];
  const notifications = drafts(context)
    .filter((draft) => desk.settings.notifications[draft.type] !== false)
    .filter((draft) => desk.notifiers.some((notifier) => !notifier.types || notifier.types.includes(draft.type)));
  if (notifications.length === 0) return [];
  return [
    {
      id: newId(),
      ticketId: context.after.id,
      notifications,
      excludeAgentId: context.who.kind === 'agent' ? context.who.agent.id : null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: context.at,
      lastError: null,
      createdAt: context.at,
      updatedAt: context.at,
    },
  ];
}
