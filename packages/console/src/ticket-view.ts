import { h } from './dom.js';
import { nextDue, slaBadge, statusLabel, when } from './format.js';
import type { Delivery, Directory, ThreadEntry, Ticket } from './types.js';

/** The label every internal note carries, so nobody mistakes it for a message the customer reads. */
export const NOTE_LABEL = 'Internal note — not sent to the customer';

// Times inside event texts ("it was due 2026-12-01T19:46:21.898Z") are shown in the agent's own time.
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z/g;

const nameIn = (list: { id: string; name: string }[], id: string | null) =>
  id ? (list.find((item) => item.id === id)?.name ?? id) : null;

/** The SLA badge element, or nothing. */
export function badge(ticket: Ticket, now: number) {
  const sla = slaBadge(ticket, now);
  return sla ? h('span', { class: `badge tone-${sla.tone}`, title: sla.title }, sla.text) : null;
}

/** The ticket's facts: requester, status, priority, department, assignee, SLA plan and due times. */
export function facts(ticket: Ticket, directory: Directory, now: number) {
  const holder =
    [nameIn(directory.agents, ticket.assigneeId), ticket.teamId && `team ${nameIn(directory.teams, ticket.teamId)}`]
      .filter(Boolean)
      .join(', ') || 'Unassigned';
  const due = nextDue(ticket);
  const rows: [string, ReturnType<typeof h> | string][] = [
    ['Requester', `${ticket.requester.name ?? ''} <${ticket.requester.email}>`.trim()],
    ['Status', statusLabel(ticket.customStatus ?? ticket.status)],
    ['Priority', ticket.priority],
    ['Department', nameIn(directory.departments, ticket.departmentId) ?? ticket.departmentId],
    ['Assignee', holder],
    ['SLA plan', nameIn(directory.slaPlans, ticket.slaPlanId) ?? 'None'],
    [
      'First response due',
      ticket.firstRespondedAt ? `answered ${when(ticket.firstRespondedAt)}` : when(ticket.firstResponseDueAt),
    ],
    ['Resolution due', when(ticket.resolutionDueAt)],
  ];
  const sla = badge(ticket, now);
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
    due && sla ? [h('dt', null, 'SLA'), h('dd', null, sla)] : null,
    Object.entries(ticket.fields).map(([name, value]) => [
      h('dt', null, name),
      h('dd', null, typeof value === 'string' ? value : JSON.stringify(value)),
    ]),
    ticket.feedback
      ? [
          h('dt', null, 'Feedback'),
          h(
            'dd',
            null,
            `${ticket.feedback.rating === null ? 'No rating' : `${ticket.feedback.rating}/5`}${ticket.feedback.comment ? ` — “${ticket.feedback.comment}”` : ''}`,
          ),
        ]
      : null,
  );
}

function author(entry: ThreadEntry): string {
  const who = entry.author;
  return who.name ?? who.email ?? (who.type === 'system' ? 'System' : (who.id ?? who.type));
}

/** The thread: customer messages, replies, internal notes (unmistakable) and history events inline. */
export function thread(entries: ThreadEntry[]) {
  return h(
    'ol',
    { class: 'thread', 'aria-label': 'Conversation and history' },
    entries.map((entry) => {
      if (entry.kind === 'event') {
        return h(
          'li',
          { class: 'entry event' },
          h('p', null, `${entry.body.replace(ISO, (iso) => when(iso))} · ${author(entry)} · ${when(entry.createdAt)}`),
        );
      }
      const label =
        entry.kind === 'note' ? NOTE_LABEL : entry.kind === 'message' ? 'Customer message' : 'Reply to the customer';
      return h(
        'li',
        { class: `entry ${entry.kind}` },
        h(
          'article',
          { 'aria-label': `${label}, ${author(entry)}` },
          h(
            'header',
            null,
            h('strong', null, author(entry)),
            h('span', { class: entry.kind === 'note' ? 'note-label' : '' }, label),
            h('time', { datetime: entry.createdAt }, when(entry.createdAt)),
          ),
          h('p', null, entry.body),
        ),
      );
    }),
  );
}

/** The delivery log: each notification with its recipient, status, attempts and last error. */
export function deliveryLog(deliveries: Delivery[] | string) {
  if (typeof deliveries === 'string') return h('p', { class: 'rule' }, deliveries);
  if (!deliveries.length) return h('p', { class: 'rule' }, 'No notifications were sent for this ticket yet.');
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Notification', 'Recipient', 'Status', 'Attempts', 'Last error', 'Written'].map((title) =>
          h('th', { scope: 'col' }, title),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      deliveries.map((delivery) => {
        const last = delivery.attempts.at(-1);
        return h(
          'tr',
          null,
          h('td', null, delivery.type, h('br'), h('span', { class: 'rule' }, delivery.subject)),
          h('td', null, delivery.recipient?.email ?? `every subscriber (${delivery.notifierId})`),
          h(
            'td',
            null,
            h(
              'span',
              {
                class: `badge tone-${delivery.status === 'delivered' ? 'ok' : delivery.status === 'dead' ? 'danger' : 'warn'}`,
              },
              delivery.status,
            ),
          ),
          h('td', null, String(delivery.attempts.length)),
          h('td', null, last?.error ?? '—'),
          h('td', null, when(delivery.createdAt)),
        );
      }),
    ),
  );
}
