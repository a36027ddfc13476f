import { makeAuditEvent, makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import { afterAll, expect, test } from 'vitest';
import type { PgPool, PgPoolClient } from '../src/connection/pg-types.js';
import { postgresStorage } from '../src/index.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * What a commit sends PostgreSQL: one statement for a new ticket, no
 * transaction around it; BEGIN, one statement and COMMIT for an update; the
 * change notice never inside the commit, where it would hold PostgreSQL's
 * per-database NOTIFY lock until the commit is flushed and so serialize every
 * server's commits.
 */

const pool = testPool(4);
const schema = schemaName('tk_stmts');
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
});

/** The pool, recording every statement sent through it or its clients, in order. */
function recordingPool(sent: string[]): PgPool {
  const record = (text: string) => sent.push(text.replace(/\s+/g, ' ').trim());
  return {
    query: (text: string, values?: readonly unknown[]) => {
      record(text);
      return pool.query(text, values as unknown[]);
    },
    async connect() {
      const client = await pool.connect();
      return new Proxy(client, {
        get(target, key, receiver) {
          if (key !== 'query') return Reflect.get(target, key, receiver);
          return (text: string, values?: readonly unknown[]) => {
            record(text);
            return target.query(text, values as unknown[]);
          };
        },
      }) as unknown as PgPoolClient;
    },
  } as unknown as PgPool;
}

const until = async (check: () => boolean) => {
  for (let tries = 0; !check() && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
};

test('a new ticket is one statement; an update is BEGIN, one statement, COMMIT; the notice comes after', async () => {
  const sent: string[] = [];
  const storage = postgresStorage({ pool: recordingPool(sent), schema });
  await storage.init();
  const ticket = makeTicket();

  sent.length = 0;
  await storage.commit({
    ticket: { kind: 'insert', ticket },
    thread: [makeThreadEntry(ticket)],
    audit: [makeAuditEvent(ticket)],
    idempotency: {
      scope: 'intake',
      key: `key-${ticket.id}`,
      fingerprint: 'f',
      ticketId: ticket.id,
      createdAt: ticket.createdAt,
    },
  });
  const [insert, ...afterInsert] = sent.splice(0);
  expect(insert).toMatch(/^WITH w0 AS \(INSERT INTO .*"tickets"/);
  for (const table of ['ticket_counts', 'thread_entries', 'audit_events', 'idempotency_keys']) {
    expect(insert).toContain(`"${table}"`);
  }
  expect(insert).not.toContain('pg_notify');
  // The notice follows, in a statement of its own.
  await until(() => afterInsert.length + sent.length > 0);
  expect([...afterInsert, ...sent.splice(0)]).toEqual([expect.stringContaining('pg_notify')]);

  await storage.commit({
    ticket: { kind: 'update', ticket: { ...ticket, version: 2, status: 'in_progress' }, expectedVersion: 1 },
    thread: [],
    audit: [makeAuditEvent(ticket)],
  });
  await until(() => sent.length >= 4);
  expect(sent.map((text) => text.slice(0, 120))).toEqual([
    'BEGIN',
    expect.stringMatching(/^WITH w0 AS \(UPDATE /),
    'COMMIT',
    expect.stringContaining('pg_notify'),
  ]);
  expect(sent[1]).not.toContain('pg_notify');
  expect((await storage.getTicket({ id: ticket.id }))?.status).toBe('in_progress');
  await storage.close();
});
