import {
  type Notification,
  type NotificationType,
  type Notifier,
  type NotifierSendContext,
  TicketkitError,
  validationError,
} from '@ticketkit/core';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { loadPeer } from '../peer.js';
import { notificationMessageId, replyAddressFor, type ThreadingOptions, threadRootId } from '../threading/index.js';
import { smtpFailure } from './smtp-failure.js';
import { type EmailTemplates, renderEmail, taggedSubject } from './templates.js';

/** The part of a nodemailer transport the notifier uses: `nodemailer.createTransport(...)` is one. */
export interface EmailTransport {
  /** Sends one message; rejects with nodemailer's error (with `responseCode` and `response` for SMTP). */
  sendMail: Transporter['sendMail'];
}

/** A mailbox: an address, or an address with a display name. */
export type Mailbox = string | { name: string; address: string };

/** Options of {@link emailNotifier}. */
export interface EmailNotifierOptions {
  /**
   * The notifier's id in the delivery log.
   * @default 'email'
   */
  id?: string;
  /** A nodemailer transport (or anything with its `sendMail`); give this or `smtp`. */
  transport?: EmailTransport;
  /** SMTP options for `nodemailer.createTransport` (needs the `nodemailer` package); give this or `transport`. */
  smtp?: SMTPTransport.Options;
  /** The sender of every message. */
  from: Mailbox;
  /**
   * Where replies go, e.g. the mailbox the intake reads. With
   * `threading.secret`, each ticket gets its own signed address:
   * `support+t<token>@example.com` (plus-addressing: your mail server must
   * deliver `support+anything@` to `support@`).
   */
  replyTo?: string;
  /**
   * Message-ID domain and signing secret, the same as the intake's.
   * @default the domain of `from`, unsigned
   */
  threading?: Partial<ThreadingOptions>;
  /** Per-type (or `'*'`) overrides of the email built from each notification. */
  templates?: EmailTemplates;
  /** The notification types this notifier sends; all when left out. */
  types?: readonly NotificationType[];
  /** Headers added to every message (e.g. `List-Unsubscribe`); CR and LF are removed from names and values. */
  headers?: Record<string, string>;
}

// Written by a person: the agent's reply. Everything else the desk writes by itself (RFC 3834).
const HUMAN: ReadonlySet<NotificationType> = new Set(['ticket.reply_notice']);

// Any control character (CR, LF, NUL, the Unicode line separators) becomes a space: no header can be smuggled in.
const flatten = (value: string) => value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
const ADDRESS = /^[^\s@<>()",;:\\[\]]{1,64}@[^\s@<>()",;:\\[\]]{1,255}$/;

function mailbox(value: Mailbox, path: string): { name: string; address: string } {
  const { name, address } = typeof value === 'string' ? { name: '', address: value } : value;
  if (!ADDRESS.test(address)) throw validationError([{ path: [path], message: 'must be an email address' }]);
  return { name: flatten(name), address };
}

/**
 * A notifier that sends each notification as an email (text and HTML)
 * through nodemailer: the ticket tag `[#number]` in the subject, a stable
 * Message-ID per notification (the same on every retry), `In-Reply-To` and
 * `References` to the ticket's thread so clients group its mail,
 * `Auto-Submitted: auto-generated` on what the desk writes by itself, and,
 * with a secret, a signed per-ticket reply address. SMTP 5xx answers are
 * dead-lettered at once, 4xx answers and timeouts retried, each with the
 * server's answer in the delivery log.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({
 *   storage,
 *   notifiers: [emailNotifier({ smtp: { host: 'smtp.example.com', port: 587 }, from: 'support@example.com' })],
 * });
 * ```
 */
export function emailNotifier(options: EmailNotifierOptions): Notifier {
  if (!options.transport === !options.smtp) {
    throw validationError([{ path: ['transport'], message: 'give either a nodemailer transport or smtp options' }]);
  }
  const from = mailbox(options.from, 'from');
  const replyTo = options.replyTo === undefined ? undefined : mailbox(options.replyTo, 'replyTo').address;
  const threading: ThreadingOptions = {
    domain: options.threading?.domain ?? from.address.slice(from.address.lastIndexOf('@') + 1),
    ...(options.threading?.secret === undefined ? {} : { secret: options.threading.secret }),
  };
  if (threading.secret !== undefined && threading.secret.length < 32) {
    throw validationError([{ path: ['threading', 'secret'], message: 'must be at least 32 characters' }]);
  }
  const extraHeaders = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [
      name.replace(/[^\x21-\x39\x3b-\x7e]/g, ''),
      flatten(value),
    ]),
  );
  let transport: Promise<EmailTransport> | undefined = options.transport && Promise.resolve(options.transport);
  const transportFor = () => {
    transport ??= loadPeer('nodemailer', () => import('nodemailer'), 'emailNotifier({ smtp })').then((nodemailer) =>
      nodemailer.createTransport({
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
        ...options.smtp,
      }),
    );
    return transport;
  };

  async function send(notification: Notification, context: NotifierSendContext): Promise<void> {
    const { ticket, recipient } = notification;
    // Email goes to people: the notifier is per recipient (core's default), so core always names one.
    if (recipient === null) throw new TicketkitError('VALIDATION_FAILED', 'An email notification needs a recipient');
    if (!ADDRESS.test(recipient.email)) {
      throw new TicketkitError('VALIDATION_FAILED', `Cannot email ${JSON.stringify(recipient.email)}: not an address`, {
        issues: [{ path: ['recipient', 'email'], message: 'must be an email address' }],
      });
    }
    const content = renderEmail(options.templates ?? {}, {
      notification,
      ticket,
      subject: taggedSubject(flatten(notification.subject), ticket.number),
    });
    const root = threadRootId(threading, ticket.id);
    const automatic = !HUMAN.has(notification.type);
    const mail = {
      from,
      to: { name: flatten(recipient.name ?? ''), address: recipient.email },
      ...(replyTo === undefined
        ? {}
        : { replyTo: threading.secret ? replyAddressFor(threading.secret, replyTo, ticket.number) : replyTo }),
      subject: flatten(content.subject),
      text: content.text,
      html: String(content.html),
      messageId: notificationMessageId(threading, ticket.id, notification.id),
      inReplyTo: root,
      references: [root],
      headers: {
        ...extraHeaders,
        'X-Ticketkit-Ticket': flatten(ticket.number),
        'X-Ticketkit-Notification': flatten(notification.type),
        ...(automatic ? { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } : {}),
      },
    };
    if (context.signal.aborted) throw context.signal.reason;
    try {
      await (await transportFor()).sendMail(mail);
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  return {
    id: options.id ?? 'email',
    ...(options.types ? { types: options.types } : {}),
    send,
  };
}
