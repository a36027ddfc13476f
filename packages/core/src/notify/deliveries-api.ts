import type { Delivery, DeliveryStatus } from '../storage/delivery-records.js';
import type { Page } from '../storage/storage-adapter.js';

// The shape of `desk.deliveries`, apart from its implementation: `HelpDesk` names it without importing the desk's internals.

/** What `desk.deliveries.list` accepts. */
export interface DeliveryListOptions {
  /** Only this ticket's deliveries: its id or its number. */
  ticketId?: string;
  /** Only deliveries in this status (`dead` is the dead letter). */
  status?: DeliveryStatus;
  /**
   * Page size, 1 to 100.
   * @default 25
   */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/**
 * The delivery log: every notification to every recipient through every
 * notifier, with each attempt and its error. For the host's admin screens and
 * for support ("check your email logs"); it is not scoped by actor.
 */
export interface DeliveriesApi {
  /** Deliveries, newest first, keyset-paginated. */
  list(options?: DeliveryListOptions): Promise<Page<Delivery>>;
  /** One delivery, or `null`. */
  get(id: string): Promise<Delivery | null>;
  /**
   * Sends a dead-lettered delivery again, in the background: it becomes
   * `pending` and keeps its attempts; a failure retries with backoff as
   * before, and dead-letters again after one more attempt.
   * Fails with `INVALID_TRANSITION` for a delivery that is not `dead`.
   */
  retry(id: string): Promise<Delivery>;
  /**
   * Records that a notification bounced after it was handed over (a
   * delivery-status report came back, e.g. to the email intake): an attempt
   * with the reason — the remote server's answer — is added and the
   * delivery goes to the dead letter, where it shows beside the others.
   * The same bounce recorded again (the delivery is dead with this very
   * reason last) changes nothing. `null` when there is no such delivery.
   */
  recordBounce(id: string, reason: string): Promise<Delivery | null>;
  /**
   * Resolves when the notifications this desk is sending in the background
   * (after its commands, and from `retry`) have been handed to their
   * notifiers, failed or deferred. For tests, and for a graceful shutdown
   * (`desk.close()` waits for it too).
   */
  idle(): Promise<void>;
}
