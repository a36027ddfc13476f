import type { TicketSummary } from '../schemas/ticket.js';

/**
 * The notifications a desk sends, each switchable like osTicket's alerts:
 * to the customer (`auto_response`, `reply_notice`, `resolved_notice`,
 * `closed_notice`, `awaiting_reminder`) and to staff (`new_alert`, `assigned_alert`,
 * `transfer_alert`, `message_alert`, `overdue_alert`).
 */
export const NOTIFICATION_TYPES = [
  'ticket.auto_response',
  'ticket.new_alert',
  'ticket.assigned_alert',
  'ticket.transfer_alert',
  'ticket.reply_notice',
  'ticket.message_alert',
  'ticket.overdue_alert',
  'ticket.resolved_notice',
  'ticket.closed_notice',
  'ticket.awaiting_reminder',
] as const;

/** One of {@link NOTIFICATION_TYPES}. */
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A message to one person about one ticket, rendered and ready to send. */
export interface Notification {
  /** Unique id; the same across delivery retries, so receivers can deduplicate. */
  id: string;
  /** What the notification is about. */
  type: NotificationType;
  /**
   * Who receives it; `null` for a notifier with `perRecipient: false`, which
   * gets one notification per change and type, whoever it was for.
   */
  recipient: { email: string; name: string | null } | null;
  /**
   * The ticket as it was when the notification was written, without its
   * custom `fields` (a delivery row holds it for every recipient; read the
   * fields with `desk.tickets.get` when a notifier needs them).
   */
  ticket: TicketSummary;
  /** Subject line: one line, no control characters. */
  subject: string;
  /** Plain-text body. */
  text: string;
}

/**
 * What a notifier throws for a failure that no retry can fix — an SMTP 5xx
 * answer, an address that does not exist: the outbox records the attempt and
 * dead-letters the delivery at once instead of retrying it. Any other error
 * (or an error with `permanent: true`) is retried with backoff.
 */
export class PermanentDeliveryError extends Error {
  /** Marks the error for the outbox, also across copies of this package. */
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

/** Whether a notifier's error says retrying is pointless (see {@link PermanentDeliveryError}). */
export function isPermanentDeliveryError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** What a notifier gets besides the notification. */
export interface NotifierSendContext {
  /** Aborted when the delivery attempt times out; stop work and reject. */
  signal: AbortSignal;
  /** 1 for the first attempt, counting up across retries. */
  attempt: number;
  /**
   * The change this notification comes from, shared by every recipient's
   * copy: a channel-style notifier (a chat room, a webhook) that posts once
   * per change rather than once per person can deduplicate on it.
   */
  messageId: string;
}

/**
 * The notifier plugin interface: delivers a {@link Notification} somewhere
 * (email, chat, a webhook). Notifications reach notifiers through a
 * transactional outbox after the change commits, with retries, backoff and a
 * dead letter, so `send` only has to do one attempt: resolve when delivered,
 * reject (with a reason) when not — with a {@link PermanentDeliveryError}
 * when retrying cannot help.
 *
 * @example
 * ```ts
 * const consoleNotifier: Notifier = {
 *   id: 'console',
 *   async send(notification) {
 *     console.log(`to ${notification.recipient?.email}: ${notification.subject}`);
 *   },
 * };
 * ```
 */
export interface Notifier {
  /** A unique, stable name: it keys the delivery log. */
  readonly id: string;
  /** The notification types this notifier delivers; all of them when left out. */
  readonly types?: readonly NotificationType[];
  /**
   * `true`: one notification per recipient (email, a person's chat). `false`:
   * one per change and type, with `recipient: null`, rendered for nobody in
   * particular — no greeting name, the agent link in staff alerts, no link
   * (and never the customer's token) in customer notices. For channels that
   * post once per event: webhooks, a team's chat room.
   * @default true
   */
  readonly perRecipient?: boolean;
  /** Delivers one notification, once. */
  send(notification: Notification, context: NotifierSendContext): Promise<void>;
}
