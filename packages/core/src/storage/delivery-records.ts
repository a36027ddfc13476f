import type { Notification } from '../sdk/notifier.js';

/**
 * Where a delivery stands: `pending` until its first attempt, `retrying`
 * after a failed attempt with more to come, `delivered`, or `dead` when the
 * attempts ran out (the dead letter: it waits for a person to look at it).
 */
export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'dead';

/** Every delivery status. */
export const DELIVERY_STATUSES = [
  'pending',
  'retrying',
  'delivered',
  'dead',
] as const satisfies readonly DeliveryStatus[];

/** One attempt to hand a notification to its notifier. */
export interface DeliveryAttempt {
  /** When the attempt started (ISO 8601). */
  at: string;
  /** How long the notifier took, in milliseconds. */
  durationMs: number;
  /** Why it failed, or `null` when it succeeded. */
  error: string | null;
}

/**
 * One notification to one recipient through one notifier, and every attempt
 * to deliver it: the delivery log (`desk.deliveries.list`). Written when an
 * outbox message is dispatched.
 */
export interface Delivery {
  /** Unique id; also the notification's id, the same across retries, so receivers can deduplicate. */
  id: string;
  /** The outbox message it came from. */
  messageId: string;
  /** The ticket it is about. */
  ticketId: string;
  /** The notifier that delivers it. */
  notifierId: string;
  /** The rendered notification, exactly as the notifier receives it. */
  notification: Notification;
  /** Where it stands. */
  status: DeliveryStatus;
  /** Every attempt so far, oldest first. */
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (ISO 8601); meaningless once delivered or dead. */
  nextAttemptAt: string;
  /** The scheduler that is sending it now, or `null`. */
  claimedBy: string | null;
  /** Until when that claim holds (ISO 8601); after it, another scheduler may take the delivery over. */
  claimedUntil: string | null;
  /** When it was written (ISO 8601). */
  createdAt: string;
  /** When it last changed (ISO 8601). */
  updatedAt: string;
}

/** A request for outbox messages waiting to be dispatched. */
export interface OutboxQuery {
  /** Messages whose `nextAttemptAt` is at or before this instant (ISO 8601). */
  dueBefore: string;
  /** Batch size. */
  limit: number;
}

/** An outbox message turned into its deliveries: written atomically, once. */
export interface OutboxDispatch {
  /** The message. */
  messageId: string;
  /** Its ticket. */
  ticketId: string;
  /** The deliveries it becomes (possibly none: nobody to tell). */
  deliveries: readonly Delivery[];
  /** When (ISO 8601). */
  at: string;
}

/** A failed attempt to dispatch an outbox message: try again later, or give up. */
export interface OutboxDeferral {
  /** The message. */
  messageId: string;
  /** Its ticket. */
  ticketId: string;
  /** `pending` to try again at `nextAttemptAt`; `dead` to stop. */
  status: 'pending' | 'dead';
  /** Dispatch attempts so far. */
  attempts: number;
  /** When to try again (ISO 8601). */
  nextAttemptAt: string;
  /** Why it failed. */
  lastError: string;
  /** When (ISO 8601). */
  at: string;
}

/** A scheduler taking due deliveries for itself. */
export interface DeliveryClaim {
  /** Who claims (a scheduler's unique id). */
  owner: string;
  /** The time now (ISO 8601): deliveries due by then, unclaimed or with a claim that ran out. */
  now: string;
  /** Until when the claim holds (ISO 8601). */
  until: string;
  /** Batch size. */
  limit: number;
}

/** Which deliveries to list. */
export interface DeliveryListQuery {
  /** Only this ticket's. */
  ticketId?: string;
  /** Only deliveries in this status. */
  status?: DeliveryStatus;
  /** Page size, 1 to 100. */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A named lease: one scheduler at a time runs a sweep. */
export interface LeaseRequest {
  /** What is leased, e.g. `sweep:tickets`. */
  name: string;
  /** Who asks. */
  owner: string;
  /** The time now (ISO 8601). */
  now: string;
  /** Until when the lease holds if granted (ISO 8601). */
  until: string;
}
