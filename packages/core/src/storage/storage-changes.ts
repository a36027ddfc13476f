import type { Author } from '../schemas/actor.js';

/**
 * One ticket change, as storage announces it to `subscribe` listeners after
 * it committed. Small on purpose (PostgreSQL carries it in a NOTIFY, at most
 * 8000 bytes): a listener that needs the ticket reads it.
 */
export interface TicketChange {
  type: 'ticket.changed';
  /** `created`: the change inserted the ticket (`version` 1); `updated`: a later version. */
  kind: 'created' | 'updated';
  /** The ticket's stable id. */
  ticketId: string;
  /** The ticket's human number. */
  number: string;
  /**
   * The ticket's version after the change. Versions are unique per ticket,
   * so `ticketId` and `version` name one committed change on every server.
   */
  version: number;
  /** The ticket's department after the change (what access filters look at first). */
  departmentId: string;
  /** What ran, in commit order: each audit event's command and its statechart event (`null` for `open`). */
  commands: { command: string; event: string | null }[];
  /** Who made the change (the first audit event's actor); `null` when the change set had no audit event. */
  actor: Author | null;
  /** When the change was made: the ticket's `updatedAt` (ISO 8601). */
  at: string;
}

/**
 * Sent when the adapter may have missed changes (its listening connection
 * broke and came back): re-read whatever you show from these changes.
 */
export interface ResyncChange {
  type: 'resync';
}

/** What a `subscribe` listener receives. */
export type StorageChange = TicketChange | ResyncChange;

/** Receives every {@link StorageChange} of a subscription. It must not throw (adapters report what it throws and go on). */
export type StorageChangeListener = (change: StorageChange) => void;

/** Ends a subscription; resolves once the adapter stopped listening for it. */
export type Unsubscribe = () => Promise<void>;
