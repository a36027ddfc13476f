import type { DeskContext } from '../desk/desk-context.js';
import type { Ticket } from '../schemas/ticket.js';
import type { TemplateValues } from '../templates/template.js';

/** Who a rendering is for: the customer's link or an agent's. */
export type LinkAudience = 'customer' | 'agent';

const STATUS_WORDS: Record<Ticket['status'], string> = {
  open: 'open',
  in_progress: 'in progress',
  awaiting_customer: 'awaiting your reply',
  resolved: 'resolved',
  closed: 'closed',
};

/** A custom field value as template text: strings and numbers as they are, anything else as JSON. */
function fieldText(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * The values every ticket template can use (`ticket.*`, `requester.*`,
 * `agent.name`, `department.name`, `link`, `fields.*`). `agentName` is the
 * agent the text speaks of — who holds the ticket in an alert, who replies
 * in a canned response.
 */
export async function ticketTemplateValues(
  desk: DeskContext,
  ticket: Ticket,
  options: { agentName: string | null; linkFor: LinkAudience | null; accessToken?: string | null },
): Promise<TemplateValues> {
  const department = await desk.directory.get('departments', ticket.departmentId);
  const custom = ticket.customStatus ? desk.settings.customStatuses.get(ticket.customStatus)?.name : undefined;
  const values: TemplateValues = {
    'ticket.number': ticket.number,
    'ticket.subject': ticket.subject,
    'ticket.priority': ticket.priority,
    'ticket.status': custom ?? STATUS_WORDS[ticket.status],
    'requester.name': ticket.requester.name,
    'requester.email': ticket.requester.email,
    'agent.name': options.agentName,
    'department.name': department?.name ?? ticket.departmentId,
    link: options.linkFor ? await linkFor(desk, ticket, options.linkFor, options.accessToken ?? null) : null,
  };
  for (const [id, value] of Object.entries(ticket.fields)) values[`fields.${id}`] = fieldText(value);
  return values;
}

/** The host's link for this ticket, or `null`. A link builder that throws is logged: the text goes out without it. */
async function linkFor(
  desk: DeskContext,
  ticket: Ticket,
  audience: LinkAudience,
  accessToken: string | null,
): Promise<string | null> {
  const build = desk.links[audience];
  if (!build) return null;
  try {
    return (await build(ticket, { accessToken: audience === 'customer' ? accessToken : null })) ?? null;
  } catch (error) {
    desk.logger.error(`links.${audience} failed for ticket ${ticket.number}`, { error });
    return null;
  }
}

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A subject line: one line, no control characters, at most 250 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 250 ? `${flat.slice(0, 249)}…` : flat;
}
