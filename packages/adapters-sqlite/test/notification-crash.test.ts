import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHelpDesk, type Delivery, manualClock, type Notification } from '@ticketkit/core';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { startFixture } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * A crash between commit and delivery loses nothing. A writer whose desk
 * sends notifications is SIGKILLed at random moments, 30 times, on one file:
 * in a commit, between a commit and its dispatch, between a dispatch and the
 * send, between the send and its record. Every third writer's notifier
 * hangs, so its kill finds deliveries pending; the last writer commits
 * without dispatching, and writes a while first, so the recovery also finds
 * messages undispatched. After every kill the
 * file is intact and no dispatch is half written. Then a desk in this
 * process sweeps the file, its clock past the dead writers' claims: every
 * acknowledged ticket's auto-response reached its requester (at least once,
 * under one notification id), the delivery log records each delivery
 * delivered exactly once, and nothing is left pending.
 */

const temp = tempDirectory();
afterAll(() => temp.cleanup());
const KILLS = 30;
// More than the after-commit queue's first batch (100), which the last, hanging writer gets stuck on.
const LAST_WRITER_ACKS = 120;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Each open writes one message: an auto-response to the requester and a new-ticket alert to Ann.
const DELIVERIES_PER_TICKET = 2;

interface SentLine {
  id: string;
  number: string;
  type: string;
  email: string;
}

/** The writers' sent file: one complete line per notification they handed over. */
function readSent(filename: string): SentLine[] {
  if (!existsSync(filename)) return [];
  const text = readFileSync(filename, 'utf8');
  expect(text === '' || text.endsWith('\n'), 'the sent file ends with a complete line').toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [id, number, type, email, ...rest] = line.split(' ');
      expect(rest, line).toEqual([]);
      return { id, number, type, email } as SentLine;
    });
}

/** Outbox messages written and not yet dispatched, read from the file as another process sees it. */
function pendingMessages(filename: string): number {
  const db = new Database(filename, { readonly: true });
  try {
    return Number(db.prepare("SELECT count(*) FROM ticket_log WHERE status = 'pending'").pluck().get());
  } finally {
    db.close();
  }
}

const duplicatesOf = (ids: readonly string[]) => ids.filter((id, index) => ids.indexOf(id) !== index);

test(`notifications of every acknowledged ticket survive ${KILLS} SIGKILLs`, { timeout: 240_000 }, async () => {
  const filename = temp.file();
  const sentFile = temp.file('sent.txt');
  const acknowledged = new Map<string, string>();
  const modes = { append: 0, hang: 0, 'commit-only': 0 };
  const started = performance.now();

  const live = new Set<ChildProcess>();
  /** Starts the writer of a round; it prints `ready` once set up, and writes once its go file is there. */
  const startWriter = (round: number) => {
    // The last writer commits only: the recovery then surely has undispatched messages to find (a hanging
    // writer's other lanes can dispatch everything it committed before the kill on a fast machine).
    const mode = round === KILLS ? ('commit-only' as const) : round % 3 === 0 ? ('hang' as const) : ('append' as const);
    const goFile = temp.file(`go-${round}`);
    const child = startFixture('notifying-writer.ts', [filename, mode, sentFile, goFile]);
    live.add(child);
    const exited = once(child, 'exit').finally(() => live.delete(child));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let stderr = '';
    let acks = 0;
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const ready = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line === 'ready') resolve();
        const [word, number, email] = line.split(' ');
        if (word === 'ack' && number && email) {
          acknowledged.set(number, email);
          acks += 1;
        }
      });
    });
    return { child, lines, mode, goFile, ready, exited, stderr: () => stderr, acks: () => acks };
  };

  let next = startWriter(1);
  try {
    for (let round = 1; round <= KILLS; round++) {
      const writer = next;
      modes[writer.mode] += 1;
      await Promise.race([writer.ready, writer.exited]);
      expect(writer.stderr(), `round ${round}: the writer failed to start`).toBe('');
      writeFileSync(writer.goFile, 'go');
      // The next writer sets up (imports, migrations check, directory) while this one writes.
      if (round < KILLS) next = startWriter(round + 1);
      // The last writer commits without dispatching: it writes enough for the recovery to have undispatched
      // messages as well as the earlier writers' undelivered deliveries to find.
      const deadline = Date.now() + 30_000;
      while (round === KILLS && writer.acks() < LAST_WRITER_ACKS && Date.now() < deadline) await sleep(5);
      // On a busy machine the acks can run ahead of what the file shows: wait (bounded) until the hanging
      // writer's undispatched messages are committed, so the recovery below has them to find.
      while (round === KILLS && pendingMessages(filename) === 0 && Date.now() < deadline) await sleep(20);
      await sleep(20 + Math.random() * 280);
      writer.child.kill('SIGKILL');
      const [, signal] = await writer.exited;
      writer.lines.close();
      expect(signal, `round ${round}: killed in flight`).toBe('SIGKILL');
      expect(writer.stderr(), `round ${round}: the writer logged an error`).toBe('');

      const db = new Database(filename, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true }), `round ${round}`).toBe('ok');
        const ticketOf = db.prepare('SELECT 1 FROM tickets WHERE number = ?').pluck();
        const lost = [...acknowledged.keys()].filter((number) => ticketOf.get(number) === undefined);
        expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
        // A dispatch is all or nothing: a dispatched message has all its deliveries, any other none.
        const messages = db
          .prepare("SELECT json_extract(data, '$.outbox.id') AS id, status FROM ticket_log WHERE status IS NOT NULL")
          .all() as { id: string; status: string }[];
        const deliveries = new Map(
          (
            db
              .prepare("SELECT json_extract(data, '$.messageId') AS id, count(*) AS n FROM deliveries GROUP BY 1")
              .all() as { id: string; n: number }[]
          ).map((row) => [row.id, row.n]),
        );
        const torn = messages.filter((message) =>
          message.status === 'dispatched'
            ? deliveries.get(message.id) !== DELIVERIES_PER_TICKET
            : deliveries.has(message.id),
        );
        expect(torn, `round ${round}: half-written dispatches`).toEqual([]);
        const messageIds = new Set(messages.map((message) => message.id));
        const orphans = [...deliveries.keys()].filter((id) => !messageIds.has(id));
        expect(orphans, `round ${round}: deliveries without their message`).toEqual([]);
      } finally {
        db.close();
      }
    }
  } finally {
    // A failed round leaves the next writer waiting for its go file: end it.
    for (const child of live) child.kill('SIGKILL');
  }
  const killing = Math.round(performance.now() - started);
  // Enough work happened to make the kills meaningful.
  expect(acknowledged.size).toBeGreaterThan(KILLS * 5);

  // What the crashes left: messages never dispatched, deliveries never recorded as delivered.
  const raw = new Database(filename, { readonly: true });
  const leftOver = () => ({
    messages: Number(raw.prepare("SELECT count(*) FROM ticket_log WHERE status = 'pending'").pluck().get()),
    deliveries: Number(raw.prepare("SELECT count(*) FROM deliveries WHERE status <> 'delivered'").pluck().get()),
  });
  const before = leftOver();
  const deliveredBefore = new Set(
    raw.prepare("SELECT id FROM deliveries WHERE status = 'delivered'").pluck().all() as string[],
  );
  const sentByWriters = readSent(sentFile);
  // A writer sends only what it dispatched and holds the claim of: nobody sends a delivery twice
  // before the recovery.
  expect(duplicatesOf(sentByWriters.map((line) => line.id)), 'sent twice by the writers').toEqual([]);
  expect(sentByWriters.length, 'the writers delivered notifications before they were killed').toBeGreaterThan(0);
  expect(before.messages, 'the kills left messages undispatched').toBeGreaterThan(0);
  expect(before.deliveries, 'the kills left deliveries undelivered').toBeGreaterThan(0);

  // The recovery: a desk on the same file, its clock an hour on (past every claim the writers held),
  // sweeping until nothing is left (a sweep takes bounded batches), its clock an hour on after each
  // sweep so that retries come due.
  const sentByRecovery: Notification[] = [];
  const clock = manualClock(new Date(Date.now() + 3_600_000));
  const desk = await createHelpDesk({
    storage: sqliteStorage({ filename }),
    notifiers: [
      {
        id: 'email',
        async send(notification) {
          sentByRecovery.push(notification);
        },
      },
    ],
    clock,
  });
  const recovering = performance.now();
  let sweeps = 0;
  for (; sweeps < 20; sweeps++) {
    const { messages, deliveries } = leftOver();
    if (messages + deliveries === 0) break;
    await desk.scheduler.runOnce();
    clock.advance('1h');
  }
  expect(leftOver(), `nothing left pending after ${sweeps} sweeps`).toEqual({ messages: 0, deliveries: 0 });

  // The recovery sent what the log did not have as delivered, each once; never what it did.
  const recoveryIds = sentByRecovery.map((notification) => notification.id);
  expect(duplicatesOf(recoveryIds), 'sent twice by the recovery').toEqual([]);
  expect(
    recoveryIds.filter((id) => deliveredBefore.has(id)),
    'sent again though delivered',
  ).toEqual([]);
  // Exactly what the crashes left: each undelivered delivery, and the two of each undispatched message.
  const ofOpens = sentByRecovery.filter((notification) =>
    ['ticket.auto_response', 'ticket.new_alert'].includes(notification.type),
  );
  expect(ofOpens.length).toBe(before.deliveries + DELIVERIES_PER_TICKET * before.messages);
  const sentIds = new Set([...sentByWriters.map((line) => line.id), ...recoveryIds]);

  // The delivery log: every delivery once, delivered, with one successful attempt, and really sent.
  const all: Delivery[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await desk.deliveries.list({ limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  expect(cursor, 'the delivery log ends').toBeNull();
  expect(duplicatesOf(all.map((delivery) => delivery.id)), 'listed twice').toEqual([]);
  for (const delivery of all) {
    expect(delivery, delivery.id).toMatchObject({ status: 'delivered', claimedBy: null, claimedUntil: null });
    expect(
      delivery.attempts.map((attempt) => attempt.error),
      `${delivery.id} attempts`,
    ).toEqual([null]);
    expect(sentIds.has(delivery.id), `${delivery.id} recorded delivered but never sent`).toBe(true);
  }
  for (const status of ['pending', 'retrying', 'dead'] as const) {
    expect((await desk.deliveries.list({ status, limit: 1 })).items, status).toEqual([]);
  }

  // What each side sent is a delivery of the log, word for word: a notification sent twice went out
  // under its one id, and receivers can drop the second.
  const logged = new Map(all.map((delivery) => [delivery.id, delivery]));
  const summary = (delivery: Delivery | undefined) =>
    delivery &&
    `${delivery.notification.ticket.number} ${delivery.notification.type} ${delivery.notification.recipient?.email}`;
  for (const line of sentByWriters) {
    expect(summary(logged.get(line.id)), `sent by a writer: ${line.id}`).toBe(
      `${line.number} ${line.type} ${line.email}`,
    );
  }
  for (const notification of sentByRecovery) {
    expect(summary(logged.get(notification.id)), `sent by the recovery: ${notification.id}`).toBe(
      `${notification.ticket.number} ${notification.type} ${notification.recipient?.email}`,
    );
  }

  // Every acknowledged ticket: one auto-response to its requester and one alert to Ann, delivered.
  for (const [number, requester] of acknowledged) {
    const { items, nextCursor } = await desk.deliveries.list({ ticketId: number, limit: 100 });
    expect(nextCursor).toBeNull();
    const sent = items.map((delivery) => `${delivery.notification.type} ${delivery.notification.recipient?.email}`);
    expect(sent.sort(), `ticket ${number}`).toEqual([
      `ticket.auto_response ${requester}`,
      'ticket.new_alert ann@bank.test',
    ]);
    for (const delivery of items) {
      expect(delivery.status, `ticket ${number}`).toBe('delivered');
      expect(sentIds.has(delivery.id), `ticket ${number}: ${delivery.id} sent`).toBe(true);
    }
  }
  const recovery = Math.round(performance.now() - recovering);
  await desk.close();
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const writerIds = new Set(sentByWriters.map((line) => line.id));
  const twice = recoveryIds.filter((id) => writerIds.has(id)).length;
  console.log(
    `notification crash: ${KILLS} SIGKILLs (${modes.append} append, ${modes.hang} hang, ${modes['commit-only']} commit-only) in ${killing} ms, ` +
      `${acknowledged.size} acknowledged tickets, ${all.length} deliveries; left ${before.messages} messages and ` +
      `${before.deliveries} deliveries, recovered by ${sweeps} sweeps in ${recovery} ms; ` +
      `${sentByWriters.length} sent by the writers, ${sentByRecovery.length} by the recovery, ${twice} of them twice`,
  );
});
