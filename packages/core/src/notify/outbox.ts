import type { DeskContext } from '../desk/desk-context.js';
import { newId } from '../internal/ids.js';
import { isPermanentDeliveryError, type NotificationType } from '../sdk/notifier.js';
import type { Delivery, DeliveryAttempt } from '../storage/delivery-records.js';
import type { OutboxMessage } from '../storage/storage-adapter.js';
import { buildDeliveries, withAccessToken } from './build-deliveries.js';
import type { Outbox, OutboxReport } from './outbox-types.js';

export type { Outbox, OutboxReport } from './outbox-types.js';

const BATCH = 100;
const MAX_BATCHES = 20;
// Messages waiting in memory for the after-commit send. A burst beyond it waits in storage for the next
// sweep instead: memory stays bounded however fast commands come, and nothing is lost.
const QUEUE_LIMIT = 1_000;

const emptyReport = (): OutboxReport => ({ dispatched: 0, deferred: 0, delivered: 0, retrying: 0, dead: 0 });
const add = (into: OutboxReport, from: OutboxReport) => {
  for (const key of Object.keys(into) as (keyof OutboxReport)[]) into[key] += from[key];
};
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2_000);

/** Exponential backoff with jitter: the n-th retry waits about retryAfter × 2^(n-1), capped, never in lockstep. */
export function retryDelay(
  attempt: number,
  retryAfterMs: number,
  maxRetryDelayMs: number,
  random = Math.random,
): number {
  const delay = Math.min(maxRetryDelayMs, retryAfterMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

/**
 * Creates a desk's outbox: after a change commits, its messages are
 * dispatched (turned into one delivery per recipient and notifier) and sent
 * in the background; the scheduler's sweep picks up whatever that missed —
 * messages written by a process that crashed, deliveries whose claim lapsed,
 * retries that came due. Each attempt is recorded on its delivery; failures
 * back off exponentially with jitter and end in the dead letter after
 * `delivery.maxAttempts`, each emitting `notification.failed`. A notifier
 * that throws or hangs costs the command nothing: it never waits for them.
 */
export function createOutbox(desk: DeskContext): Outbox {
  const owner = newId();
  const inFlight = new Set<Promise<void>>();
  const { delivery: options } = desk.settings;
  // A claim outlives one attempt comfortably; a dispatcher that died lets it lapse and another takes over.
  const claimMs = options.timeoutMs * 2 + 60_000;

  function track(work: Promise<unknown>) {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => desk.logger.error('notification delivery failed', { error }),
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  }

  async function dispatch(message: OutboxMessage, report: OutboxReport): Promise<Delivery[]> {
    const at = desk.clock.now();
    let deliveries: Delivery[];
    try {
      deliveries = await buildDeliveries(desk, message, { owner, at, until: new Date(at.getTime() + claimMs) });
    } catch (error) {
      await defer(message, error, at, report);
      return [];
    }
    const won = await desk.storage.dispatchOutbox({
      messageId: message.id,
      ticketId: message.ticketId,
      deliveries,
      at: at.toISOString(),
    });
    if (!won) return [];
    report.dispatched += 1;
    return deliveries;
  }

  async function defer(message: OutboxMessage, error: unknown, at: Date, report: OutboxReport) {
    const attempts = message.attempts + 1;
    const dead = attempts >= options.maxAttempts;
    const lastError = describe(error);
    await desk.storage.deferOutbox({
      messageId: message.id,
      ticketId: message.ticketId,
      status: dead ? 'dead' : 'pending',
      attempts,
      nextAttemptAt: new Date(
        at.getTime() + retryDelay(attempts, options.retryAfterMs, options.maxRetryDelayMs),
      ).toISOString(),
      lastError,
      at: at.toISOString(),
    });
    if (dead) report.dead += 1;
    else report.deferred += 1;
    desk.logger.error(`could not dispatch the notifications of ticket ${message.ticketId}`, { error, attempts });
    for (const planned of message.notifications) {
      desk.bus.emit('notification.failed', {
        notificationId: null,
        messageId: message.id,
        ticketId: message.ticketId,
        type: planned.type as NotificationType,
        error: lastError,
        attempts,
        deadLettered: dead,
        at: at.toISOString(),
      });
    }
  }

  /** One attempt: the notifier's promise against the timeout, whose signal the notifier may also watch. */
  async function attempt(delivery: Delivery): Promise<DeliveryAttempt & { permanent?: true }> {
    const at = desk.clock.now().toISOString();
    const started = performance.now();
    const notifier = desk.notifiers.find((candidate) => candidate.id === delivery.notifierId);
    if (!notifier) {
      return { at, durationMs: 0, error: `no notifier '${delivery.notifierId}' is configured on this desk` };
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`timed out after ${options.timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, options.timeoutMs);
    });
    try {
      const sending = withAccessToken(desk, delivery).then((notification) =>
        notifier.send(notification, {
          signal: controller.signal,
          attempt: delivery.attempts.length + 1,
          messageId: delivery.messageId,
        }),
      );
      await Promise.race([sending, timeout]);
      return { at, durationMs: Math.round(performance.now() - started), error: null };
    } catch (error) {
      const failed = { at, durationMs: Math.round(performance.now() - started), error: describe(error) };
      return isPermanentDeliveryError(error) ? { ...failed, permanent: true } : failed;
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(delivery: Delivery, report: OutboxReport): Promise<void> {
    const { permanent, ...result } = await attempt(delivery);
    const attempts = [...delivery.attempts, result];
    const now = desk.clock.now();
    // A permanent failure (a 5xx answer) goes to the dead letter now: retrying would only repeat it.
    const dead = result.error !== null && (permanent === true || attempts.length >= options.maxAttempts);
    const status = result.error === null ? 'delivered' : dead ? 'dead' : 'retrying';
    const next: Delivery = {
      ...delivery,
      status,
      attempts,
      nextAttemptAt:
        status === 'retrying'
          ? new Date(
              now.getTime() + retryDelay(attempts.length, options.retryAfterMs, options.maxRetryDelayMs),
            ).toISOString()
          : delivery.nextAttemptAt,
      claimedBy: null,
      claimedUntil: null,
      updatedAt: now.toISOString(),
    };
    // Lost the claim (it lapsed and another scheduler took over): that one records its own attempt.
    if (!(await desk.storage.updateDelivery(next, owner))) return;
    report[status] += 1;
    if (result.error !== null) {
      desk.bus.emit('notification.failed', {
        notificationId: delivery.id,
        messageId: delivery.messageId,
        ticketId: delivery.ticketId,
        type: delivery.notification.type,
        error: result.error,
        attempts: attempts.length,
        deadLettered: dead,
        at: now.toISOString(),
      });
    }
  }

  async function dispatchAndSend(messages: readonly OutboxMessage[], report: OutboxReport) {
    const deliveries: Delivery[] = [];
    for (const message of messages) deliveries.push(...(await dispatch(message, report)));
    await eachLimited(deliveries, options.concurrency, (delivery) => send(delivery, report));
  }

  const queue: OutboxMessage[] = [];
  let draining = false;
  // After-commit sends run in `concurrency` lanes, each taking the next delivery as soon as it is free: a
  // notifier that hangs holds one lane until its timeout, not every notification committed after it.
  const waiting: Delivery[] = [];
  let lanes = 0;
  let wakeDrain: (() => void) | null = null;

  function pump() {
    while (lanes < options.concurrency && waiting.length > 0) {
      const delivery = waiting.shift() as Delivery;
      lanes += 1;
      track(
        send(delivery, emptyReport()).finally(() => {
          lanes -= 1;
          pump();
        }),
      );
    }
    if (wakeDrain && waiting.length < QUEUE_LIMIT) {
      const wake = wakeDrain;
      wakeDrain = null;
      wake();
    }
  }

  async function drain() {
    try {
      while (queue.length > 0) {
        // Backpressure: dispatch no further while a full queue of deliveries waits for a lane.
        while (waiting.length >= QUEUE_LIMIT) await new Promise<void>((resolve) => (wakeDrain = resolve));
        const report = emptyReport();
        for (const message of queue.splice(0, BATCH)) waiting.push(...(await dispatch(message, report)));
        pump();
      }
    } finally {
      draining = false;
    }
  }

  return {
    owner,
    afterCommit(messages) {
      if (messages.length === 0 || desk.notifiers.length === 0 || !options.sendAfterCommit) return;
      for (const message of messages) if (queue.length < QUEUE_LIMIT) queue.push(message);
      if (draining) return;
      draining = true;
      // Not awaited, and not started before the command has returned: the caller never waits for a notifier.
      track(new Promise((resolve) => setTimeout(resolve, 0)).then(drain));
    },
    async sweep() {
      const report = emptyReport();
      if (desk.notifiers.length === 0) return report;
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const now = desk.clock.now().toISOString();
        const messages = await desk.storage.listPendingOutbox({ dueBefore: now, limit: BATCH });
        const claimed = await desk.storage.claimDeliveries({
          owner,
          now,
          until: new Date(Date.parse(now) + claimMs).toISOString(),
          limit: BATCH,
        });
        if (messages.length === 0 && claimed.length === 0) break;
        const round = emptyReport();
        await dispatchAndSend(messages, round);
        await eachLimited(claimed, options.concurrency, (delivery) => send(delivery, round));
        add(report, round);
        // Nothing moved (every message deferred again): stop rather than spin on the same batch.
        if (round.dispatched + round.delivered + round.retrying + round.dead === 0) break;
      }
      return report;
    },
    async requeue(delivery) {
      const now = desk.clock.now();
      const requeued: Delivery = {
        ...delivery,
        status: 'pending',
        nextAttemptAt: now.toISOString(),
        claimedBy: owner,
        claimedUntil: new Date(now.getTime() + claimMs).toISOString(),
        updatedAt: now.toISOString(),
      };
      // Dead deliveries are unclaimed: the write succeeds only if nobody requeued or changed it first.
      if (!(await desk.storage.updateDelivery(requeued, null))) return null;
      track(send(requeued, emptyReport()));
      return requeued;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
