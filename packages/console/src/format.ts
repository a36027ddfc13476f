import type { Ticket } from './types.js';

const MINUTE = 60_000;

/** "2h 5m", "3d 4h", "45m": a duration for a badge. */
export function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / MINUTE));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days) return hours ? `${days}d ${hours}h` : `${days}d`;
  if (hours) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${minutes}m`;
}

/** The due time that matters now: the first response until there is one, then the resolution. */
export function nextDue(ticket: Ticket): { label: string; at: string } | null {
  if (ticket.status === 'resolved' || ticket.status === 'closed') return null;
  if (!ticket.firstRespondedAt && ticket.firstResponseDueAt)
    return { label: 'first response', at: ticket.firstResponseDueAt };
  return ticket.resolutionDueAt ? { label: 'resolution', at: ticket.resolutionDueAt } : null;
}

/** The SLA badge of a ticket: its text, a tone for the colour, and a full sentence for screen readers. */
export function slaBadge(ticket: Ticket, now: number): { text: string; tone: string; title: string } | null {
  if (ticket.slaState === 'paused')
    return { text: 'SLA paused', tone: 'muted', title: 'SLA paused while awaiting the customer' };
  const due = nextDue(ticket);
  if (!due) return null;
  const left = Date.parse(due.at) - now;
  if (left < 0 || ticket.slaState === 'breached') {
    return { text: `Overdue ${duration(left)}`, tone: 'danger', title: `${due.label} overdue by ${duration(left)}` };
  }
  const tone = ticket.slaState === 'at_risk' ? 'warn' : 'ok';
  return { text: `${duration(left)} left`, tone, title: `${due.label} due in ${duration(left)}` };
}

const STATUS: Record<string, string> = {
  open: 'Open',
  in_progress: 'In progress',
  awaiting_customer: 'Awaiting customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** The label of a base status. */
export const statusLabel = (status: string) => STATUS[status] ?? status;

/** A local date and time, short. */
export function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
