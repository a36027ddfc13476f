/** The events `GET /events` sends (and `reset`, when the server could not resume). */
const EVENTS = [
  'ticket.created',
  'ticket.assigned',
  'ticket.unassigned',
  'ticket.transferred',
  'ticket.replied',
  'ticket.noted',
  'ticket.status_changed',
  'ticket.resolved',
  'ticket.closed',
  'ticket.feedback',
  'ticket.reopened',
  'ticket.updated',
  'sla.warning',
  'sla.breached',
];

/** What the console learns from one live event. */
export interface LiveChange {
  type: string;
  ticketId: string | null;
  actorName: string | null;
  /** The ticket's version after the change. */
  version: number | null;
}

/**
 * Listens to the server's event stream. The browser's EventSource
 * reconnects by itself and sends `Last-Event-ID`, so the server replays what
 * was missed; `reset` (the server no longer has it) is passed on as a change
 * of everything (`ticketId: null`).
 */
export function listen(endpoint: string, onChange: (change: LiveChange) => void): () => void {
  if (typeof EventSource === 'undefined') return () => {};
  const source = new EventSource(`${endpoint}/events`, { withCredentials: true });
  const handle = (event: Event) => {
    const data = JSON.parse((event as MessageEvent<string>).data || '{}');
    onChange({
      type: event.type,
      ticketId: data.ticket?.id ?? null,
      actorName: data.actor?.name ?? null,
      version: data.ticket?.version ?? null,
    });
  };
  for (const type of [...EVENTS, 'reset']) source.addEventListener(type, handle);
  return () => source.close();
}
