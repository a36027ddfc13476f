import type { Delivery } from '../storage/delivery-records.js';
import type { OutboxMessage } from '../storage/storage-adapter.js';

// The outbox's shape, apart from its implementation: the desk context and the scheduler's report name it.

/** What one round of outbox work did. */
export interface OutboxReport {
  /** Outbox messages turned into deliveries. */
  dispatched: number;
  /** Messages whose dispatch failed and will be tried again. */
  deferred: number;
  /** Deliveries handed to their notifier successfully. */
  delivered: number;
  /** Deliveries that failed and will be retried. */
  retrying: number;
  /** Deliveries (and messages) that ran out of attempts: the dead letter. */
  dead: number;
}

/** The transactional outbox's sending side, one per desk. */
export interface Outbox {
  /** This desk's claim owner id. */
  readonly owner: string;
  /** Called after a change commits with its outbox messages: dispatches and sends them soon, without blocking the caller. */
  afterCommit(messages: readonly OutboxMessage[]): void;
  /** Dispatches pending messages and sends due deliveries, in bounded batches; for the scheduler. */
  sweep(): Promise<OutboxReport>;
  /**
   * Puts a dead delivery back to `pending`, claimed by this desk, and sends it
   * in the background; `null` when it changed meanwhile.
   */
  requeue(delivery: Delivery): Promise<Delivery | null>;
  /** Resolves when the work `afterCommit` started has finished. */
  idle(): Promise<void>;
}
