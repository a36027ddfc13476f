import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHelpDesk, type HelpDesk, isTicketkitError, manualClock } from '@ticketkit/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { createPostgresContext } from '../src/connection/postgres-context.js';
import { postgresStorage } from '../src/index.js';
import { Tally } from '../src/migrate-data/checksums.js';
import { tallyTarget } from '../src/migrate-data/postgres-target.js';
import { progressReporter } from '../src/migrate-data/progress.js';
import { openSqliteSource } from '../src/migrate-data/sqlite-source.js';
import { type BuiltDesk, buildSqliteDesk, openSqliteDesk, TICKET_NUMBERS } from './support/sqlite-desk.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * `ticketkit migrate-data` copies a SQLite desk built through the real desk
 * API into PostgreSQL: a desk opened on the copy answers exactly as the
 * original; a copy killed mid-way and run again ends the same, without
 * duplicates; a target holding other data is refused unless `--force`.
 */

const TICKETS = 120;
const raw = testPool(3);
const dir = mkdtempSync(join(tmpdir(), 'ticketkit-migrate-data-'));
const file = join(dir, 'desk.db');
const schemas: string[] = [];
let built: BuiltDesk;

beforeAll(async () => {
  built = await buildSqliteDesk(file, TICKETS);
}, 60_000);
afterAll(async () => {
  for (const schema of schemas) await dropSchema(raw, schema);
  await raw.end();
  rmSync(dir, { recursive: true, force: true });
});

function newSchema() {
  const schema = schemaName('tk_copy');
  schemas.push(schema);
  return schema;
}

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env: {}, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const copy = (schema: string, ...more: string[]) =>
  cli('migrate-data', '--from', `sqlite:${file}`, '--to', DATABASE_URL, '--schema', schema, ...more);

async function tableCounts(schema: string) {
  const { rows } = await raw.query<Record<string, string>>(`SELECT
    (SELECT count(*) FROM "${schema}".tickets) AS tickets,
    (SELECT count(*) FROM "${schema}".thread_entries) AS thread,
    (SELECT count(*) FROM "${schema}".audit_events) AS audit,
    (SELECT count(*) FROM "${schema}".outbox) AS outbox,
    (SELECT count(*) FROM "${schema}".deliveries) AS deliveries,
    (SELECT count(*) FROM "${schema}".access_tokens) AS tokens,
    (SELECT count(*) FROM "${schema}".idempotency_keys) AS keys,
    (SELECT count(*) FROM "${schema}".directory) AS directory`);
  return rows[0];
}

async function everything(desk: HelpDesk, ids: readonly string[]) {
  const ann = { actor: { type: 'agent', id: 'ann' } } as const;
  const admin = { actor: { type: 'system' } } as const;
  const tickets = [];
  for (const id of ids) {
    tickets.push({
      ticket: await desk.tickets.get(id, ann),
      thread: await desk.tickets.thread(id, ann),
      history: await desk.tickets.history(id, ann),
      deliveries: (await desk.deliveries.list({ ticketId: id, limit: 100 })).items,
    });
  }
  return {
    tickets,
    counts: await desk.queues.counts(admin),
    search: (await desk.tickets.search('abroad payment', { ...admin, limit: 100 })).items.map((t) => t.id).sort(),
    departments: await desk.departments.list(),
    agents: await desk.agents.list(),
    slaPlans: await desk.slaPlans.list(),
  };
}

test('a desk opened on the copy answers exactly as the SQLite desk did', { timeout: 60_000 }, async () => {
  const schema = newSchema();
  const result = await copy(schema);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  expect(result.out).toContain(`Copied ${TICKETS} tickets`);
  expect(result.out).not.toContain('DIFFERS');

  // Raw: every table as full as the SQLite file's.
  const counts = await tableCounts(schema);
  const source = await openSqliteSource(file);
  const statuses = new Set<string>();
  let entries = 0;
  let outbox = 0;
  let pendingOutbox = 0;
  let deliveries = 0;
  for (let after = 0, batch = source.ticketBatch(0, 1000); batch; batch = source.ticketBatch(after, 1000)) {
    for (const ticket of batch.tickets) statuses.add(ticket.status);
    entries += batch.entries.length;
    outbox += batch.outbox.length;
    pendingOutbox += batch.outbox.filter((message) => message.status === 'pending').length;
    deliveries += batch.deliveries.length;
    after = batch.last;
  }
  await source.close();
  expect([...statuses].sort()).toEqual(['awaiting_customer', 'closed', 'in_progress', 'open', 'resolved']);
  expect(counts).toMatchObject({
    tickets: String(TICKETS),
    thread: String(entries),
    outbox: String(outbox),
    deliveries: String(deliveries),
    tokens: String(built.tokens.length),
    keys: String(TICKETS / 4),
  });
  expect(deliveries).toBeGreaterThan(0);
  const { rows: pending } = await raw.query(`SELECT 1 FROM "${schema}".outbox WHERE status = 'pending'`);
  expect(pending.length).toBe(pendingOutbox);
  const { rows: retrying } = await raw.query(`SELECT 1 FROM "${schema}".deliveries WHERE status <> 'sent'`);
  expect(retrying.length).toBeGreaterThan(0);

  // Through the desk API: the same tickets, threads, histories, deliveries, queues, search, directory.
  const sqliteDesk = await openSqliteDesk(file);
  const expected = await everything(sqliteDesk, built.ids);
  await sqliteDesk.close();
  const pgDesk = await createHelpDesk({
    storage: postgresStorage({ pool: raw, schema }),
    clock: manualClock('2026-03-02T09:00:00.000Z'),
    ticketNumber: TICKET_NUMBERS,
    logger: { warn: () => {}, error: () => {} },
  });
  try {
    expect(await everything(pgDesk, built.ids)).toEqual(expected);
    for (const { token, ticketId } of built.tokens) {
      expect((await pgDesk.accessTokens.verify(token))?.ticket.id).toBe(ticketId);
    }
    // The idempotency key of ticket 0 came along: the same request returns the same ticket.
    const again = await pgDesk.tickets.open(
      {
        subject: 'Card blocked 0 online',
        body: 'Help with case 0: the payment failed',
        departmentId: 'billing',
        idempotencyKey: 'req-0',
      },
      { actor: { type: 'customer', email: 'c0@example.com' } },
    );
    expect(again.id).toBe(built.ids[0]);
    // The counter came along: a new ticket's number follows the last copied one.
    const numbers = expected.tickets.map((entry) => entry.ticket.number).sort();
    expect(numbers.at(-1)).toBe(String(TICKETS).padStart(6, '0'));
    const fresh = await pgDesk.tickets.open(
      { subject: 'New', body: 'After the move', departmentId: 'help' },
      { actor: { type: 'customer', email: 'new@example.com' } },
    );
    expect(fresh.number).toBe(String(TICKETS + 1).padStart(6, '0'));
  } finally {
    await pgDesk.close();
  }
});

test('a copy killed mid-way and run again ends with the same tables, without duplicates', {
  timeout: 60_000,
}, async () => {
  const schema = newSchema();
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const bin = fileURLToPath(new URL('../src/cli/cli.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      bin,
      'migrate-data',
      '--from',
      file,
      '--to',
      DATABASE_URL,
      '--schema',
      schema,
      '--batch-size',
      '4',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  const killed = new Promise<NodeJS.Signals | null>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Plain progress lines (stderr is a pipe): kill once a tenth of the tickets is in.
      const match = /tickets: (\d+)\/\d+/.exec(stderr.split('\n').filter(Boolean).at(-1) ?? '');
      if (match && Number(match[1]) > 0) child.kill('SIGKILL');
    });
    child.on('close', (_code, signal) => resolve(signal));
  });
  expect(await killed).toBe('SIGKILL');
  const partial = Number((await tableCounts(schema))?.tickets);
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(TICKETS);
  // Batches are whole: a copied ticket has its thread (no ticket without its first entry).
  const { rows: bare } = await raw.query(
    `SELECT id FROM "${schema}".tickets t WHERE NOT EXISTS (SELECT 1 FROM "${schema}".thread_entries e WHERE e.ticket_id = t.id)`,
  );
  expect(bare).toEqual([]);

  const resumed = await copy(schema);
  expect(resumed.err).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toContain(
    `Copied ${TICKETS - partial} tickets into schema "${schema}" (${partial} already there)`,
  );
  const afterResume = await tableCounts(schema);

  const again = await copy(schema);
  expect(again.code).toBe(0);
  expect(again.out).toContain(`Copied 0 tickets into schema "${schema}" (${TICKETS} already there)`);
  expect(await tableCounts(schema)).toEqual(afterResume);

  // The checksums see a changed row that the counts would not.
  await raw.query(
    `UPDATE "${schema}".thread_entries SET body = body || '!' WHERE seq = (SELECT max(seq) FROM "${schema}".thread_entries)`,
  );
  const tampered = await copy(schema);
  expect(tampered.code).toBe(1);
  expect(tampered.out).toMatch(/thread_entries +\d+ +\d+ +DIFFERS/);
  expect(tampered.out).toMatch(/audit_events +\d+ +\d+ +ok/);

  // The same tables as a copy that ran through in one go.
  const clean = newSchema();
  expect((await copy(clean)).code).toBe(0);
  expect(await tableCounts(clean)).toEqual(afterResume);
});

test('a target holding other data is refused, untouched; --force replaces it', { timeout: 60_000 }, async () => {
  const schema = newSchema();
  const other = await createHelpDesk({ storage: postgresStorage({ pool: raw, schema }) });
  await other.departments.upsert({ id: 'help', name: 'Somebody else' });
  await other.tickets.open(
    { subject: 'Not from the file', body: 'Hello', departmentId: 'help' },
    { actor: { type: 'customer', email: 'x@example.com' } },
  );
  await other.close();
  const before = await tableCounts(schema);

  const refused = await copy(schema);
  expect(refused.code).toBe(4);
  expect(refused.err).toMatch(/holds ticket .* which the source does not.*--force empties the target schema/);
  expect(await tableCounts(schema)).toEqual(before);

  const forced = await copy(schema, '--force');
  expect(forced.err).toBe('');
  expect(forced.code).toBe(0);
  expect((await tableCounts(schema))?.tickets).toBe(String(TICKETS));
});

test('bad input and a missing SQLite adapter are named', async () => {
  expect((await cli('migrate-data', '--to', DATABASE_URL)).err).toContain('--from sqlite:./desk.db');
  expect((await cli('migrate-data', '--from', file, '--to', DATABASE_URL, '--batch-size', '0')).code).toBe(2);
  const missing = await cli('migrate-data', '--from', join(dir, 'nope.db'), '--to', DATABASE_URL);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain('no SQLite desk at');
  const failure = await openSqliteSource(file, () =>
    Promise.reject(new Error("Cannot find package '@ticketkit/adapter-sqlite'")),
  ).catch((error: unknown) => error);
  expect(isTicketkitError(failure, 'STORAGE_FAILED')).toBe(true);
  expect((failure as Error).message).toContain('npm install @ticketkit/adapter-sqlite');
});

test('progress: one line redrawn on a terminal, a line per tenth otherwise', () => {
  const written: string[] = [];
  let now = 0;
  const tty = progressReporter({ isTTY: true, write: (text) => written.push(text) }, () => now);
  tty.stage('tickets', 100);
  for (let step = 0; step < 100; step++) {
    now += 50;
    tty.advance(1);
  }
  tty.end();
  expect(written.every((text) => text === '\n' || text.startsWith('\r\x1b[2Ktickets'))).toBe(true);
  expect(written.at(-2)).toContain('[########################] 100/100 (100%)');
  const lines: string[] = [];
  const plain = progressReporter({ write: (text) => lines.push(text) });
  plain.stage('tickets', 100);
  for (let step = 0; step < 100; step++) plain.advance(1);
  plain.end();
  expect(lines).toEqual(Array.from({ length: 11 }, (_, tenth) => `tickets: ${tenth * 10}/100 (${tenth * 10}%)\n`));
});

test('verification reads the target in bounded keyset pages, and sums what one whole read sums', {
  timeout: 60_000,
}, async () => {
  const schema = newSchema();
  expect((await copy(schema)).code).toBe(0);
  const context = createPostgresContext(schema, async () => raw);
  // Every statement the verification sends, with how many rows came back.
  const reads: { text: string; rows: number }[] = [];
  const spy = {
    async query<Row>(text: string, values?: readonly unknown[]) {
      const result = await raw.query<Row & Record<string, unknown>>(text, values as unknown[]);
      reads.push({ text, rows: result.rows.length });
      return result;
    },
  };
  const paged = new Tally();
  await tallyTarget(spy, context, paged, 25);
  const whole = new Tally();
  await tallyTarget(raw, context, whole, 1_000_000);

  expect(Math.max(...reads.map((read) => read.rows))).toBeLessThanOrEqual(25);
  const ticketReads = reads.filter((read) => read.text.includes('."tickets"'));
  // 120 tickets in pages of 25: five full pages and a short one, each after the last id of the one before.
  expect(ticketReads.map((read) => read.rows)).toEqual([25, 25, 25, 25, 20]);
  expect(ticketReads.slice(1).every((read) => read.text.includes('WHERE (id) > ($1)'))).toBe(true);
  for (const table of ['tickets', 'thread_entries', 'audit_events', 'outbox', 'deliveries', 'access_tokens']) {
    expect(paged.get(table)).toEqual(whole.get(table));
    expect(paged.get(table).count).toBeGreaterThan(0);
  }
  expect(paged.get('idempotency_keys')).toEqual(whole.get('idempotency_keys'));
  expect(paged.get('tickets').count).toBe(TICKETS);
});
