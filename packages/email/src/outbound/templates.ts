import type { Notification, NotificationType, TicketSummary } from '@ticketkit/core';
import { html, type TrustedHtml, textToHtml } from './html.js';

/** What an email template gets: the notification as core rendered it, and the ticket. */
export interface EmailView {
  /** The notification (its `subject` and `text` are the desk's rendered wording). */
  notification: Notification;
  /** The ticket it is about. */
  ticket: TicketSummary;
  /** The subject with the ticket tag (`[#123456]`) ensured. */
  subject: string;
}

/** One email: subject, plain text and HTML. */
export interface EmailContent {
  /** Subject line; flattened to one line before sending. */
  subject: string;
  /** The text/plain part. */
  text: string;
  /** The text/html part: build it with {@link html} so values are escaped. */
  html: string | TrustedHtml;
}

/** Renders one notification type's email; return only the parts you change, the defaults fill the rest. */
export type EmailTemplate = (view: EmailView) => Partial<EmailContent>;

/** Email templates by notification type; `'*'` applies to every type without its own. */
export type EmailTemplates = Partial<Record<NotificationType | '*', EmailTemplate>>;

/** The subject with `[#number]` in it, so every client (and the intake) can tell the ticket. */
export function taggedSubject(subject: string, ticketNumber: string): string {
  const tag = `[#${ticketNumber}]`;
  return subject.includes(tag) ? subject : `${tag} ${subject}`;
}

/** The default email: the desk's text as is, and the same text as simple, escaped HTML. */
export function defaultEmail(view: EmailView): EmailContent {
  const { notification, ticket } = view;
  return {
    subject: view.subject,
    text: notification.text,
    html: html`<!doctype html>
<html><head><meta charset="utf-8"><title>${view.subject}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
${textToHtml(notification.text)}
<p style="color: #666; font-size: 0.9em">Ticket #${ticket.number}</p>
</body></html>`,
  };
}

/** Renders a notification with the host's template for its type (or `'*'`), falling back to the default per part. */
export function renderEmail(templates: EmailTemplates, view: EmailView): EmailContent {
  const base = defaultEmail(view);
  const template = templates[view.notification.type] ?? templates['*'];
  return template ? { ...base, ...template(view) } : base;
}
