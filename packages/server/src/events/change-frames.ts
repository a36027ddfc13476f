import type { TicketChange, TicketkitEventName } from '@ticketkit/core';

/** The stream event a storage change is sent as, for each command that changes what an agent sees. */
const EVENT_OF_COMMAND: Record<string, StreamedEventName | null> = {
  open: 'ticket.created',
  assign: 'ticket.assigned',
  unassign: 'ticket.unassigned',
  transfer: 'ticket.transferred',
  reply: 'ticket.replied',
  note: 'ticket.noted',
  startWork: 'ticket.status_changed',
  requestInfo: 'ticket.replied',
  resolve: 'ticket.resolved',
  confirmResolution: 'ticket.closed',
  feedback: 'ticket.feedback',
  close: 'ticket.closed',
  reopen: 'ticket.reopened',
  update: 'ticket.updated',
  autoClose: 'ticket.closed',
  // The scheduler's bookkeeping: nothing an agent sees changed.
  remind: null,
  reschedule: null,
};

const EVENT_OF_SLA: Record<string, StreamedEventName> = {
  SLA_WARNING: 'sla.warning',
  SLA_BREACH: 'sla.breached',
};

/** A ticket event name (every streamed event is one). */
type StreamedEventName = Exclude<TicketkitEventName, 'notification.failed'>;

/**
 * The one stream event a storage change is sent as: that of its first
 * command (an SLA check by what it fired; a command the server does not
 * know, such as a plugin's, as `ticket.updated`), or `null` when the change
 * is the scheduler's bookkeeping only.
 */
export function eventOfChange(change: TicketChange): StreamedEventName | null {
  for (const { command, event } of change.commands) {
    if (command === 'slaCheck') return (event && EVENT_OF_SLA[event]) || 'ticket.updated';
    const name = EVENT_OF_COMMAND[command];
    if (name !== null) return name ?? 'ticket.updated';
  }
  return change.commands.length === 0 ? 'ticket.updated' : null;
}

/** The stream id of a storage change: the same on every server, since a ticket's versions are unique. */
export const changeEventId = (change: TicketChange): string => `${change.ticketId}:${change.version}`;

/** Whether a `Last-Event-ID` has the shape of {@link changeEventId}. */
export const isChangeEventId = (id: string): boolean => /^[^\s:]{1,200}:\d{1,9}$/.test(id);
