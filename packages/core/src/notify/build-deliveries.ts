import type { DeskContext } from '../desk/desk-context.js';
import { newId } from '../internal/ids.js';
import { type Ticket, toTicketSummary } from '../schemas/ticket.js';
import type { Notification, NotificationType, Notifier } from '../sdk/notifier.js';
import type { Delivery } from '../storage/delivery-records.js';
import type { OutboxMessage, PlannedNotification } from '../storage/storage-adapter.js';
import { renderTemplate } from '../templates/template.js';
import { type Recipient, resolveAudience } from './recipients.js';
import { type LinkAudience, oneLine, ticketTemplateValues } from './template-values.js';

const TARGET_WORDS: Record<string, string> = { first_response: 'first response', resolution: 'resolution' };

/** "2026-03-02 17:00 UTC": due times in alerts, readable and unambiguous. */
function readableInstant(iso: unknown): string | null {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return null;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Who holds the ticket, by name: the `agent.name` of alerts. */
async function holderName(desk: DeskContext, ticket: Ticket): Promise<string | null> {
  if (ticket.assigneeId === null) return null;
  return (await desk.directory.get('agents', ticket.assigneeId))?.name ?? null;
}

/** Where the deliveries of a message start: pre-claimed by the dispatcher that builds them, which sends them next. */
export interface DeliveryClaimStamp {
  /** The dispatcher. */
  owner: string;
  /** The time now. */
  at: Date;
  /** Until when the claim holds. */
  until: Date;
}

/**
 * Stands in for the customer's access token in the links a delivery stores:
 * the token itself is derived when the notification is handed to its
 * notifier ({@link withAccessToken}) and never written. Base64url-safe, so a
 * link builder's URL encoding leaves it as it is.
 */
export const ACCESS_TOKEN_PLACEHOLDER = 'ticketkit-access-token-not-stored';

/**
 * Turns an outbox message into deliveries: for each notification, the people
 * its audience means now, and for each of them each per-recipient notifier
 * that takes the type — rendered with the desk's templates against the
 * ticket as it is now; and one delivery per notifier with `perRecipient:
 * false`, whoever the notification is for. Deliveries carry the ticket's
 * summary (no custom fields) and a placeholder for the customer's token.
 */
export async function buildDeliveries(
  desk: DeskContext,
  message: OutboxMessage,
  stamp: DeliveryClaimStamp,
): Promise<Delivery[]> {
  const ticket = await desk.storage.getTicket({ id: message.ticketId });
  if (!ticket) throw new Error(`Outbox message ${message.id} is about ticket ${message.ticketId}, which is gone`);
  const quoted = message.notifications.some((notification) => typeof notification.data.entryId === 'string')
    ? new Map((await desk.storage.listThread(ticket.id)).map((entry) => [entry.id, entry.body]))
    : new Map<string, string>();
  const agentName = await holderName(desk, ticket);
  // Once per message, and without custom fields: every delivery row holds it.
  const summary = toTicketSummary(ticket);
  const at = stamp.at.toISOString();
  const deliveries: Delivery[] = [];
  const deliver = (notifier: Notifier, type: NotificationType, rendered: Rendered, recipient: Recipient | null) => {
    const id = newId();
    deliveries.push({
      id,
      messageId: message.id,
      ticketId: ticket.id,
      notifierId: notifier.id,
      notification: {
        id,
        type,
        recipient: recipient && { email: recipient.email, name: recipient.name },
        ticket: summary,
        ...rendered,
      },
      status: 'pending',
      attempts: [],
      nextAttemptAt: at,
      claimedBy: stamp.owner,
      claimedUntil: stamp.until.toISOString(),
      createdAt: at,
      updatedAt: at,
    });
  };

  for (const planned of message.notifications) {
    const type = planned.type as NotificationType;
    const notifiers = desk.notifiers.filter((notifier) => !notifier.types || notifier.types.includes(type));
    if (notifiers.length === 0 || desk.settings.notifications[type] === false) continue;
    const template = desk.settings.notificationTemplates[type];
    if (!template) continue;
    const render = async (recipient: Recipient | null, linkFor: LinkAudience | null): Promise<Rendered> => {
      const values = {
        ...(await ticketTemplateValues(desk, ticket, {
          agentName,
          linkFor,
          accessToken: desk.links.accessToken ? ACCESS_TOKEN_PLACEHOLDER : null,
        })),
        ...notificationValues(planned, quoted),
        'recipient.name': recipient?.name ?? null,
      };
      return {
        subject: oneLine(renderTemplate(template.subject, values)),
        text: renderTemplate(template.text, values, { dropEmptyLines: true }),
      };
    };
    const perRecipient = notifiers.filter((notifier) => notifier.perRecipient !== false);
    const perEvent = notifiers.filter((notifier) => notifier.perRecipient === false);
    if (perRecipient.length > 0) {
      for (const recipient of await resolveAudience(desk, ticket, planned.audience, message.excludeAgentId)) {
        const rendered = await render(recipient, recipient.kind);
        for (const notifier of perRecipient) deliver(notifier, type, rendered, recipient);
      }
    }
    if (perEvent.length > 0) {
      // For nobody in particular: staff alerts keep the agent link; customer notices get none, never the token.
      const rendered = await render(null, planned.audience.kind === 'requester' ? null : 'agent');
      for (const notifier of perEvent) deliver(notifier, type, rendered, null);
    }
  }
  return deliveries;
}

type Rendered = { subject: string; text: string };

/**
 * The notification a notifier gets: with the customer's access token in place
 * of the placeholder, derived now (`links.accessToken`), in whichever process
 * sends it. The stored delivery keeps the placeholder.
 */
export async function withAccessToken(desk: DeskContext, delivery: Delivery): Promise<Notification> {
  const notification = structuredClone(delivery.notification);
  const derive = desk.links.accessToken;
  const { subject, text } = notification;
  if (!derive || !(subject.includes(ACCESS_TOKEN_PLACEHOLDER) || text.includes(ACCESS_TOKEN_PLACEHOLDER))) {
    return notification;
  }
  const token = await derive(delivery.ticketId);
  notification.subject = subject.replaceAll(ACCESS_TOKEN_PLACEHOLDER, token);
  notification.text = text.replaceAll(ACCESS_TOKEN_PLACEHOLDER, token);
  return notification;
}

/** What one planned notification adds: the quoted message, who acted, the SLA target. */
function notificationValues(planned: PlannedNotification, quoted: ReadonlyMap<string, string>) {
  const { entryId, actor, target, dueAt } = planned.data;
  return {
    message: typeof entryId === 'string' ? (quoted.get(entryId) ?? null) : null,
    'actor.name': typeof actor === 'string' ? actor : null,
    'sla.target': typeof target === 'string' ? (TARGET_WORDS[target] ?? target) : null,
    'sla.due_at': readableInstant(dueAt),
  };
}
