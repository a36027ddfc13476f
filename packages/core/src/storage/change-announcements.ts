import type { ChangeSet } from './storage-adapter.js';
import type { StorageChangeListener, TicketChange, Unsubscribe } from './storage-changes.js';

/** The {@link TicketChange} a committed change set announces: every adapter builds it the same way. */
export function ticketChangeOf(changes: ChangeSet): TicketChange {
  const { ticket } = changes.ticket;
  return {
    type: 'ticket.changed',
    kind: changes.ticket.kind === 'insert' ? 'created' : 'updated',
    ticketId: ticket.id,
    number: ticket.number,
    version: ticket.version,
    departmentId: ticket.departmentId,
    commands: changes.audit.map((event) => ({ command: event.command, event: event.event?.type ?? null })),
    actor: changes.audit[0]?.actor ?? null,
    at: ticket.updatedAt,
  };
}

/**
 * The listeners of an adapter whose changes are all made in this process
 * (memory, SQLite): `announce` after each commit, in commit order.
 */
export function localChangeListeners(onError: (error: unknown) => void) {
  const listeners = new Set<StorageChangeListener>();
  return {
    /** Whether anyone listens: an adapter may skip the work of announcing when nobody does. */
    get listening(): boolean {
      return listeners.size > 0;
    },
    /** Adds a listener; the returned function removes it. */
    async subscribe(listener: StorageChangeListener): Promise<Unsubscribe> {
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
      };
    },
    /** Tells every listener about a committed change set. Costs nothing while nobody listens. */
    announce(changes: ChangeSet): void {
      if (listeners.size === 0) return;
      const change = ticketChangeOf(changes);
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
