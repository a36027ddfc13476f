import { isTicketkitError, type Ticket } from '@ticketkit/core';
import { makeAuditEvent, makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { createPostgresContext } from '../src/connection/postgres-context.js';
import { postgresStorage } from '../src/index.js';
import { DATABASE_URL, dropSchema, postgresBackdoor, schemaName, testPool } from './support/temp-schema.js';
import { until } from './support/until.js';

/**
 * What a server sees when PostgreSQL fails under it: a connection killed
 * mid-transaction, a pool with no free connection, a deadlock. Each gives a
 * clear error (or is retried, where that is safe), leaves nothing half
 * written, and the same adapter works again without a restart.
 */

const raw = testPool(4);
const schemas: string[] = [];
const fresh = () => {
  const schema = schemaName('tk_faults');
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  for (const schema of schemas) await dropSchema(raw, schema);
  await raw.end();
});

const assignment = (ticket: Ticket) => {
  const next = { ...ticket, status: 'in_progress' as const, assigneeId: 'agent-1', version: 2 };
  return {
    ticket: { kind: 'update' as const, ticket: next, expectedVersion: 1 },
    thread: [makeThreadEntry(ticket, { kind: 'event', body: 'Assigned to Agent One' })],
    audit: [makeAuditEvent(next, { command: 'assign' })],
  };
};

test('a backend terminated mid-transaction: a clear error, nothing half written, the next commit works', async () => {
  const schema = fresh();
  const pool = testPool(3);
  const storage = postgresStorage({ pool, schema });
  await storage.init();
  const backdoor = postgresBackdoor(raw, schema);
  const ticket = makeTicket({ departmentId: 'help' });
  await storage.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [] });

  // Another session holds the count cell the update moves the ticket into: the commit has written the
  // ticket row and waits there, inside its transaction, when its connection is killed.
  const blocker = await raw.connect();
  await blocker.query('BEGIN');
  await blocker.query(
    `INSERT INTO "${schema}".ticket_counts VALUES ('help', 'in_progress', 'on_track', 'agent-1', '', 0)`,
  );
  const blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  // Its failure is caught from the start: it may come before the terminating query returns.
  const commit = storage.commit(assignment(ticket)).catch((caught: unknown) => caught);
  // The session waiting on this blocker's lock, and no other: test files run at once, and other schemas'
  // sessions wait on their own ticket_counts rows (killing one of them would leave this commit waiting).
  const victim = await until('the commit to wait on the lock', async () => {
    const { rows } = await raw.query(
      `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND $1 = ANY (pg_blocking_pids(pid))`,
      [blockerPid],
    );
    return rows[0]?.pid as number | undefined;
  });
  await raw.query('SELECT pg_terminate_backend($1)', [victim]);
  const error = await commit;
  await blocker.query('ROLLBACK');
  blocker.release();

  expect(isTicketkitError(error, 'STORAGE_FAILED'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(/commit: the connection to PostgreSQL failed .*not committed/);
  expect(await backdoor.ticket(ticket.id)).toEqual(ticket);
  expect(await backdoor.thread(ticket.id)).toEqual([]);
  expect((await backdoor.counts()).audit).toBe(0);

  // The pool dropped the dead connection; the same adapter commits the same change now.
  await storage.commit(assignment(ticket));
  expect((await backdoor.ticket(ticket.id))?.version).toBe(2);
  expect(await storage.countTickets({ mine: { assigneeId: 'agent-1' }, open: { statuses: ['open'] } })).toEqual({
    mine: 1,
    open: 0,
  });
  await storage.close();
  await pool.end();
});

test('an exhausted pool: a clear error naming it, nothing written, work resumes when a connection is free', async () => {
  const schema = fresh();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, connectionTimeoutMillis: 300 });
  const storage = postgresStorage({ pool, schema });
  await storage.init();
  const backdoor = postgresBackdoor(raw, schema);
  const held = [await pool.connect(), await pool.connect()];
  const ticket = makeTicket();
  const error = await storage
    .commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] })
    .catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toMatch(
    /commit: no PostgreSQL connection was free in time \(the pool is exhausted\)/,
  );
  await expect(storage.getTicket({ id: ticket.id })).rejects.toThrow(/getTicket: .*pool is exhausted/);
  for (const client of held) client.release();
  expect(await backdoor.ticket(ticket.id)).toBeNull();
  await storage.commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] });
  expect(await storage.getTicket({ id: ticket.id })).toEqual(ticket);
  await storage.close();
  await pool.end();
});

test('a deadlock between two transactions is retried: both commit', async () => {
  const schema = fresh();
  const pool = testPool(3);
  await raw.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".pairs (k int PRIMARY KEY, v int NOT NULL);
    INSERT INTO "${schema}".pairs VALUES (1, 0), (2, 0)`);
  const context = createPostgresContext(schema, async () => pool);
  let attempts = 0;
  let waiting = 0;
  // The first attempts of both take their first row and wait for each other: a lock cycle PostgreSQL breaks.
  const bump = (first: number, second: number) =>
    context.transaction('bump', async (client) => {
      attempts += 1;
      await client.query(`UPDATE ${context.table('pairs')} SET v = v + 1 WHERE k = $1`, [first]);
      if (attempts <= 2) {
        waiting += 1;
        await until('both transactions to hold a row', async () => (waiting >= 2 ? true : undefined));
      }
      await client.query(`UPDATE ${context.table('pairs')} SET v = v + 1 WHERE k = $1`, [second]);
    });
  await Promise.all([bump(1, 2), bump(2, 1)]);
  expect(attempts).toBe(3);
  expect((await raw.query(`SELECT v FROM "${schema}".pairs ORDER BY k`)).rows).toEqual([{ v: 2 }, { v: 2 }]);
  await pool.end();
}, 20_000);

test('text PostgreSQL cannot store is VALIDATION_FAILED, and nothing is written', async () => {
  const schema = fresh();
  const storage = postgresStorage({ pool: raw, schema });
  await storage.init();
  const backdoor = postgresBackdoor(raw, schema);
  const cases: [string, Ticket][] = [
    ['a lone surrogate in the subject', makeTicket({ subject: 'broken \ud800 subject' })],
    ['a NUL in the subject', makeTicket({ subject: 'nul \u0000 here' })],
    ['a lone surrogate in a custom field', makeTicket({ fields: { note: 'x \udc00 y' } })],
    ['a NUL in a custom field', makeTicket({ fields: { note: 'x \u0000 y' } })],
  ];
  for (const [what, ticket] of cases) {
    const error = await storage
      .commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] })
      .catch((caught: unknown) => caught);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), `${what}: ${String(error)}`).toBe(true);
  }
  const ticket = makeTicket();
  const error = await storage
    .commit({
      ticket: { kind: 'insert', ticket },
      thread: [makeThreadEntry(ticket, { body: 'a \ud83d b' })],
      audit: [],
    })
    .catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect((error as { issues: { path: string[] }[] }).issues[0]?.path).toEqual(['thread', '0', 'body']);
  expect(await backdoor.counts()).toEqual({ tickets: 0, thread: 0, audit: 0, outbox: 0, idempotency: 0 });
});
