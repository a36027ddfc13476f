import type { AuditEvent, HelpDesk, ThreadEntry, Ticket } from '@ticketkit/core';

// The scenario's desk is in New York; show its local time.
const clockFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const time = (iso: string) => clockFormat.format(new Date(iso)).replace(',', '');
const pad = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
const state = (value: AuditEvent['to']) =>
  `${value.status.replace('_', ' ')}${value.assignment === 'assigned' ? ', assigned' : ''}${value.sla === 'on_track' ? '' : `, SLA ${value.sla.replace('_', ' ')}`}`;

function author(entry: ThreadEntry | AuditEvent, names: Map<string, string>): string {
  const who = 'author' in entry ? entry.author : entry.actor;
  if (who.type === 'customer') return who.name ?? who.email;
  if (who.type === 'agent') return who.name ?? names.get(who.id) ?? who.id;
  return 'system';
}

/** Renders one ticket: a header, its thread (as agents see it) and its audit timeline. */
export async function describeTicket(desk: HelpDesk, ticket: Ticket): Promise<string> {
  const admin = { type: 'system' } as const;
  const current = await desk.tickets.get(ticket.id, { actor: admin });
  const thread = await desk.tickets.thread(ticket.id, { actor: admin });
  const history = await desk.tickets.history(ticket.id, { actor: admin });
  const names = new Map((await desk.agents.list()).map((agent) => [agent.id, agent.name]));
  const departments = new Map((await desk.departments.list()).map((department) => [department.id, department.name]));
  const plan = current.slaPlanId ? await desk.slaPlans.get(current.slaPlanId) : null;

  const lines = [
    `#${current.number}  ${current.subject}`,
    `  ${current.status.replace('_', ' ')} · ${current.priority} priority · ${departments.get(current.departmentId)}` +
      `${current.assigneeId ? ` · ${names.get(current.assigneeId)}` : ''}${plan ? ` · ${plan.name}` : ''}` +
      `${current.feedback?.rating ? ` · rated ${current.feedback.rating}/5` : ''}`,
  ];
  if (plan) {
    const due = (at: string | null, met: string | null) =>
      at === null ? 'paused' : `due ${time(at)}${met ? ` (met ${time(met)})` : ''}`;
    lines.push(
      `  SLA ${plan.name}: first response ${due(current.firstResponseDueAt, current.firstRespondedAt)} · ` +
        `resolution ${current.resolutionDueAt === null && current.resolvedAt === null ? 'paused' : due(current.resolutionDueAt, current.resolvedAt)} · ${current.slaState.replace('_', ' ')}`,
    );
  }
  lines.push('', '  Thread');
  for (const entry of thread) {
    const body = entry.body.split('\n').filter(Boolean).join(' / ');
    lines.push(
      `    ${time(entry.createdAt)}  ${pad(author(entry, names), 9)} ${pad(entry.kind, 7)}${entry.internal ? '🔒' : '  '} ${body}`,
    );
  }
  lines.push('', '  Timeline');
  for (const event of history) {
    const change = event.from ? `${state(event.from)} → ${state(event.to)}` : `→ ${state(event.to)}`;
    lines.push(`    ${time(event.at)}  ${pad(author(event, names), 9)} ${pad(event.command, 17)} ${change}`);
  }
  // The delivery log, oldest first: what the desk sent, to whom, and how it went.
  const deliveries = (await desk.deliveries.list({ ticketId: current.id, limit: 100 })).items.reverse();
  lines.push('', '  Mail (delivery log)');
  for (const delivery of deliveries) {
    const { notification } = delivery;
    lines.push(
      `    ${time(delivery.createdAt)}  ${pad(notification.type.replace('ticket.', '').replace('_', ' '), 17)} → ` +
        `${pad(notification.recipient?.email ?? '(every recipient)', 20)} ${delivery.status}, ${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}`,
    );
  }
  return lines.join('\n');
}
