import * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { Outbox } from '../notify/outbox.js';
import { parseInput } from '../schemas/parse.js';
import { durationSchema } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import { runCommand } from '../tickets/run-command.js';
import { SYSTEM_COMMANDS } from '../tickets/system-commands.js';
import { parseDuration } from '../time/duration.js';
import { type DueWork, dueWork } from './due-work.js';
import type { Scheduler, SweepReport, TicketSweepReport } from './scheduler-api.js';

export type { Scheduler, SchedulerStartOptions, SweepReport, TicketSweepReport } from './scheduler-api.js';

const BATCH = 100;
const MAX_BATCHES = 50;
const LEASE = 'ticketkit:ticket-sweep';
const LEASE_MS = 5 * 60_000;

const startOptionsSchema = z.strictObject({ interval: durationSchema.default('1m') }).default({ interval: '1m' });

const emptyTicketReport = (): TicketSweepReport => ({
  checked: 0,
  warned: 0,
  breached: 0,
  slaMoved: 0,
  autoClosed: 0,
  reminded: 0,
  rescheduled: 0,
  skipped: 0,
  failed: 0,
});

function count(report: TicketSweepReport, work: DueWork) {
  switch (work.command) {
    case 'autoClose':
      report.autoClosed += 1;
      return;
    case 'remind':
      report.reminded += 1;
      return;
    case 'reschedule':
      report.rescheduled += 1;
      return;
    case 'slaCheck':
      report.warned += work.input.warned.length;
      report.breached += work.input.breached.length;
      if (work.input.warned.length + work.input.breached.length === 0) report.slaMoved += 1;
  }
}

/** Creates the scheduler of a desk, sending through its outbox. */
export function createScheduler(desk: DeskContext, outbox: Outbox): Scheduler {
  // One id per desk: its lease and its delivery claims.
  const owner = outbox.owner;
  let current: Promise<SweepReport> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let intervalMs = 60_000;
  let running = false;

  /** Runs the due work of one ticket, at the version the sweep read it. */
  async function check(ticket: Ticket, report: TicketSweepReport) {
    report.checked += 1;
    try {
      const work = await dueWork(desk, ticket, desk.clock.now());
      await runCommand(desk, SYSTEM_COMMANDS[work.command] as never, ticket.id, work.input, {
        actor: { type: 'system' },
        expectedVersion: ticket.version,
      });
      count(report, work);
    } catch (error) {
      if (isTicketkitError(error, 'CONFLICT')) {
        // Someone (an agent, another scheduler) changed it meanwhile: the next sweep sees the new version.
        report.skipped += 1;
        return;
      }
      report.failed += 1;
      desk.logger.error(`the scheduler could not check ticket ${ticket.number}`, { error });
    }
  }

  /** Checks the tickets of one batch, each once per version: one whose command failed is not retried in a tight loop. */
  async function checkBatch(due: readonly Ticket[], seen: Set<string>, report: TicketSweepReport) {
    const fresh = due.filter((ticket) => !seen.has(`${ticket.id}@${ticket.version}`));
    for (const ticket of fresh) {
      seen.add(`${ticket.id}@${ticket.version}`);
      await check(ticket, report);
    }
    return fresh.length;
  }

  /** The sweep under one lease: of N schedulers on one storage, one sweeps at a time. */
  async function sweepUnderLease(report: TicketSweepReport): Promise<boolean> {
    const lease = () => {
      const now = desk.clock.now();
      return desk.storage.acquireLease({
        name: LEASE,
        owner,
        now: now.toISOString(),
        until: new Date(now.getTime() + LEASE_MS).toISOString(),
      });
    };
    if (!(await lease())) return false;
    const seen = new Set<string>();
    try {
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        if (batch > 0 && !(await lease())) break;
        const dueBefore = desk.clock.now().toISOString();
        const due = await desk.storage.listDueTickets({ dueBefore, limit: BATCH });
        if ((await checkBatch(due, seen, report)) === 0) break;
      }
    } finally {
      await desk.storage.releaseLease(LEASE, owner);
    }
    return true;
  }

  /**
   * The sweep by claims: each batch claims due tickets nobody else holds, so
   * N schedulers share one sweep's tickets. The claims are given back at the
   * end (a ticket whose check failed is then due again for the next sweep);
   * a scheduler that dies loses them after `LEASE_MS`.
   */
  async function sweepByClaims(
    claimDueTickets: NonNullable<typeof desk.storage.claimDueTickets>,
    releaseDueTickets: NonNullable<typeof desk.storage.releaseDueTickets>,
    report: TicketSweepReport,
  ): Promise<boolean> {
    const claimed: string[] = [];
    const seen = new Set<string>();
    try {
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const now = desk.clock.now();
        const due = await claimDueTickets({
          dueBefore: now.toISOString(),
          limit: BATCH,
          owner,
          now: now.toISOString(),
          until: new Date(now.getTime() + LEASE_MS).toISOString(),
        });
        if (due.length === 0) break;
        claimed.push(...due.map((ticket) => ticket.id));
        await checkBatch(due, seen, report);
      }
    } finally {
      if (claimed.length > 0) await releaseDueTickets(claimed, owner);
    }
    return true;
  }

  function sweepTickets(report: TicketSweepReport): Promise<boolean> {
    const { claimDueTickets, releaseDueTickets } = desk.storage;
    return claimDueTickets && releaseDueTickets
      ? sweepByClaims(claimDueTickets, releaseDueTickets, report)
      : sweepUnderLease(report);
  }

  async function sweep(): Promise<SweepReport> {
    const startedAt = desk.clock.now().toISOString();
    const started = performance.now();
    const tickets = emptyTicketReport();
    const sweptTickets = await sweepTickets(tickets);
    const outboxReport = await outbox.sweep();
    return {
      startedAt,
      durationMs: Math.round(performance.now() - started),
      sweptTickets,
      tickets,
      outbox: outboxReport,
    };
  }

  function runOnce(): Promise<SweepReport> {
    const previous = current ?? Promise.resolve();
    const next = previous.then(sweep, sweep);
    current = next;
    const clear = () => {
      if (current === next) current = null;
    };
    next.then(clear, clear);
    return next;
  }

  function schedule(delay: number) {
    timer = setTimeout(async () => {
      timer = null;
      try {
        await runOnce();
      } catch (error) {
        desk.logger.error('a scheduled sweep failed', { error });
      }
      if (running) schedule(intervalMs);
    }, delay);
  }

  return {
    runOnce,
    start(options) {
      const { interval } = parseInput(startOptionsSchema, options, 'scheduler.start options');
      intervalMs = parseDuration(interval) ?? 60_000;
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current?.catch(() => undefined);
    },
    get running() {
      return running;
    },
  };
}
