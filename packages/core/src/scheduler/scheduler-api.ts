import type { OutboxReport } from '../notify/outbox-types.js';
import type { Duration } from '../time/duration.js';

// The shape of `desk.scheduler`, apart from its implementation: `HelpDesk` names it without importing the desk's internals.

/** What one sweep did to tickets. */
export interface TicketSweepReport {
  /** Due tickets looked at. */
  checked: number;
  /** SLA targets that became at risk (`sla.warning`). */
  warned: number;
  /** SLA targets that were missed (`sla.breached`; the ticket joins the `overdue` queue). */
  breached: number;
  /** Other moves of the `sla` region (a paused clock, a late target met, a plan change). */
  slaMoved: number;
  /** Resolved tickets closed after the quiet period. */
  autoClosed: number;
  /** Customers reminded. */
  reminded: number;
  /** Tickets with nothing due any more (a plan or setting changed): their next check was set again. */
  rescheduled: number;
  /** Tickets that changed while the sweep looked at them: left for the next sweep. */
  skipped: number;
  /** Tickets whose check failed (logged); tried again by the next sweep. */
  failed: number;
}

/** What one `runOnce` did. */
export interface SweepReport {
  /** When the sweep started (ISO 8601, the desk's clock). */
  startedAt: string;
  /** How long it took, in milliseconds. */
  durationMs: number;
  /**
   * `false` when another scheduler on the same storage held the ticket
   * sweep's lease, so this one only delivered notifications. Always `true`
   * on storage that claims due tickets one by one (`claimDueTickets`).
   */
  sweptTickets: boolean;
  /** The ticket sweep. */
  tickets: TicketSweepReport;
  /** Notifications dispatched, delivered, retried and dead-lettered. */
  outbox: OutboxReport;
}

/** Options of `desk.scheduler.start`. */
export interface SchedulerStartOptions {
  /**
   * Time between the end of one sweep and the start of the next.
   * @default '1m'
   */
  interval?: Duration;
}

/**
 * The scheduler of a desk: SLA warnings and breaches, auto-close, reminders
 * and notification retries. Hosts with their own cron call `runOnce()`;
 * others call `start()` once.
 */
export interface Scheduler {
  /**
   * One sweep: every ticket whose next check has come (in bounded batches,
   * from the storage's due-time index), then the notification outbox. Safe
   * to run in several processes on one storage: schedulers share the due
   * tickets by per-ticket claims where the storage has them
   * (`claimDueTickets`), else a lease keeps the ticket sweep to one
   * scheduler at a time; and each ticket's version keeps every
   * warning, breach, reminder and auto-close to exactly one even without it.
   * A call made while a sweep runs waits for it, then sweeps again.
   */
  runOnce(): Promise<SweepReport>;
  /**
   * Sweeps every `interval` until `stop()` or `desk.close()`. Calling it
   * again changes the interval. The timer keeps the process alive, like a
   * server's socket does.
   */
  start(options?: SchedulerStartOptions): void;
  /** Stops the timer; resolves when a sweep under way has finished. */
  stop(): Promise<void>;
  /** Whether `start()` is in effect. */
  readonly running: boolean;
}
