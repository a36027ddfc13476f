import type { NotificationType } from '../sdk/notifier.js';
import { checkVariables, type ParsedTemplate, parseTemplate } from '../templates/template.js';

/** A notification's wording: a one-line subject and a plain-text body, both templates. */
export interface NotificationTemplate {
  /** The subject line template (rendered, then flattened to one line). */
  subject: string;
  /** The body template. */
  text: string;
}

/**
 * Variables notification templates may use besides the canned-response ones
 * (`ticket.*`, `requester.*`, `agent.name`, `department.name`, `link`,
 * `fields.*`): the quoted `message`, who acted (`actor.name`), who receives
 * it (`recipient.name`), and for overdue alerts the target and its due time.
 */
export const NOTIFICATION_VARIABLES = ['message', 'actor.name', 'recipient.name', 'sla.target', 'sla.due_at'] as const;

// Every subject carries `[#number]`: mail clients and filters sort on it, and the email intake matches on it.
const TAG = '[#{{ticket.number}}] {{ticket.subject}}';

/**
 * The wording every desk starts with, one per notification type. Override any
 * of them with the `notifications` option of `createHelpDesk`.
 */
export const DEFAULT_NOTIFICATION_TEMPLATES: Readonly<Record<NotificationType, NotificationTemplate>> = Object.freeze({
  'ticket.auto_response': {
    subject: TAG,
    text: `Dear {{requester.name | "customer"}},

Thank you for contacting us. We have received your request and opened ticket #{{ticket.number}}: {{ticket.subject}}.
An agent will get back to you soon.

Follow your request: {{link | "reply to this message to add to it"}}`,
  },
  'ticket.new_alert': {
    subject: '[#{{ticket.number}}] New ticket: {{ticket.subject}}',
    text: `{{requester.name | "A customer"}} <{{requester.email}}> opened a ticket in {{department.name}}:

{{message}}

{{link}}`,
  },
  'ticket.assigned_alert': {
    subject: '[#{{ticket.number}}] Assigned to you: {{ticket.subject}}',
    text: `{{actor.name | "The help desk"}} assigned ticket #{{ticket.number}} ({{ticket.subject}}, {{ticket.priority}} priority) to {{agent.name | "your team"}}.

{{link}}`,
  },
  'ticket.transfer_alert': {
    subject: '[#{{ticket.number}}] Transferred to {{department.name}}: {{ticket.subject}}',
    text: `{{actor.name | "The help desk"}} transferred ticket #{{ticket.number}} to {{department.name}}.

{{message}}

{{link}}`,
  },
  'ticket.reply_notice': {
    subject: `Re: ${TAG}`,
    text: `{{actor.name | "Our support team"}} replied to your request #{{ticket.number}}:

{{message}}

Reply to this message or follow your request: {{link | "reply to this message"}}`,
  },
  'ticket.message_alert': {
    subject: '[#{{ticket.number}}] New message: {{ticket.subject}}',
    text: `{{requester.name | "The customer"}} wrote:

{{message}}

{{link}}`,
  },
  'ticket.overdue_alert': {
    subject: '[#{{ticket.number}}] Overdue: {{ticket.subject}}',
    text: `The {{sla.target}} target of ticket #{{ticket.number}} ({{ticket.subject}}) was due {{sla.due_at}} and has been missed.

{{link}}`,
  },
  'ticket.resolved_notice': {
    subject: `Resolved: ${TAG}`,
    text: `Dear {{requester.name | "customer"}},

We have resolved your request #{{ticket.number}}: {{ticket.subject}}.

{{message}}

If this solves it, please confirm: {{link | "reply to this message"}}. If not, just reply and we will pick it up again.`,
  },
  'ticket.closed_notice': {
    subject: `Closed: ${TAG}`,
    text: `Dear {{requester.name | "customer"}},

Your request #{{ticket.number}} ({{ticket.subject}}) is now closed. How did we do? Tell us, from 1 to 5: {{link | "reply to this message"}}`,
  },
  'ticket.awaiting_reminder': {
    subject: `Waiting for your reply: ${TAG}`,
    text: `Dear {{requester.name | "customer"}},

We still need some information from you to continue with your request #{{ticket.number}}: {{ticket.subject}}.
Please reply when you can: {{link | "reply to this message"}}`,
  },
});

/** A notification type's wording, parsed once. */
export interface CompiledNotificationTemplate {
  /** The subject template. */
  subject: ParsedTemplate;
  /** The body template. */
  text: ParsedTemplate;
}

/**
 * Parses and checks a notification type's wording (the host's, else the
 * default): a broken template or an unknown variable is `VALIDATION_FAILED`
 * naming the option, when the desk is created rather than when the first
 * notification fails.
 */
export function compileNotificationTemplate(
  type: NotificationType,
  override: Partial<NotificationTemplate> | undefined,
  customFieldIds: readonly string[] | null,
): CompiledNotificationTemplate {
  const compile = (part: keyof NotificationTemplate) => {
    const path = ['notifications', type, part];
    const template = parseTemplate(override?.[part] ?? DEFAULT_NOTIFICATION_TEMPLATES[type][part], { path });
    checkVariables(template, { customFieldIds, extraVariables: NOTIFICATION_VARIABLES, path });
    return template;
  };
  return { subject: compile('subject'), text: compile('text') };
}
