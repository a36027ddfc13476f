import type { Author } from '../schemas/actor.js';
import type { TicketStatus } from '../schemas/enums.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Feedback, Ticket } from '../schemas/ticket.js';
import type { NotificationType } from '../sdk/notifier.js';

/** What every ticket event carries: the ticket after the change, who made it, and when. */
export interface TicketEventBase {
  /** The ticket as committed. */
  ticket: Ticket;
  /** Who made the change. */
  actor: Author;
  /** When the change was committed (ISO 8601). */
  at: string;
}

/** Where a ticket sits: department, team and agent. */
export interface TicketPlacement {
  /** The department. */
  departmentId: string;
  /** The team, or `null`. */
  teamId: string | null;
  /** The agent, or `null`. */
  assigneeId: string | null;
}

/** Which SLA target an SLA event concerns. */
export type SlaTarget = 'first_response' | 'resolution';

/**
 * The typed event map of `desk.on()`. Events are emitted only after the change
 * is committed; a listener that throws is logged and never breaks the command.
 */
export interface TicketkitEvents {
  /** A ticket was opened. `entry` is the customer's first message. */
  'ticket.created': TicketEventBase & { entry: ThreadEntry };
  /** An agent or team now holds the ticket. */
  'ticket.assigned': TicketEventBase & { previous: Omit<TicketPlacement, 'departmentId'> };
  /** Nobody holds the ticket any more. */
  'ticket.unassigned': TicketEventBase & { previous: Omit<TicketPlacement, 'departmentId'> };
  /** The ticket moved to another department (and team/agent). */
  'ticket.transferred': TicketEventBase & { from: TicketPlacement; to: TicketPlacement; note: string | null };
  /** A public message was added: an agent's reply or the customer's message. */
  'ticket.replied': TicketEventBase & { entry: ThreadEntry };
  /** An internal note was added. */
  'ticket.noted': TicketEventBase & { entry: ThreadEntry };
  /** The base status changed. */
  'ticket.status_changed': TicketEventBase & { from: TicketStatus; to: TicketStatus };
  /** The ticket was resolved. */
  'ticket.resolved': TicketEventBase & { resolutionNote: string };
  /** The ticket was closed: confirmed by the customer, closed by an agent, forced by an admin, or closed automatically. */
  'ticket.closed': TicketEventBase & { reason: 'confirmed' | 'closed' | 'forced' | 'auto' };
  /** The customer rated the ticket: when confirming the resolution, or afterwards. */
  'ticket.feedback': TicketEventBase & { feedback: Feedback };
  /** A resolved or closed ticket went back to work. */
  'ticket.reopened': TicketEventBase & { from: TicketStatus; reason: string | null };
  /** Priority, SLA plan, subject, custom fields or custom status changed. */
  'ticket.updated': TicketEventBase & { changes: Record<string, { from: unknown; to: unknown }> };
  /** An SLA target is at risk (emitted by the scheduler). */
  'sla.warning': TicketEventBase & { target: SlaTarget; dueAt: string };
  /** An SLA target was missed (emitted by the scheduler). */
  'sla.breached': TicketEventBase & { target: SlaTarget; dueAt: string };
  /** A notification could not be delivered (emitted by the outbox). */
  'notification.failed': {
    /**
     * The failed delivery's id (also the notification's id: `desk.deliveries.get(notificationId)`), or `null`
     * when the change's notifications could not be prepared at all (rendering or storage failed before any
     * delivery existed; `messageId` names them).
     */
    notificationId: string | null;
    /** The outbox message (the change) the notification came from. */
    messageId: string;
    /** The ticket it was about. */
    ticketId: string;
    /** The notification type, e.g. `ticket.reply_notice`. */
    type: NotificationType;
    /** Why the last attempt failed. */
    error: string;
    /** Attempts so far. */
    attempts: number;
    /** Whether the notification was moved to the dead letter (no more retries). */
    deadLettered: boolean;
    /** When the attempt failed (ISO 8601). */
    at: string;
  };
}

/** The name of a {@link TicketkitEvents} event. */
export type TicketkitEventName = keyof TicketkitEvents;

/** A listener of one event. It may be async; its rejection is logged, never thrown into the command. */
export type TicketkitListener<E extends TicketkitEventName> = (payload: TicketkitEvents[E]) => void | Promise<void>;
