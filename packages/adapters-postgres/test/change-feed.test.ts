import { makeThreadEntry, makeTicket } from '@ticketkit/core/testing';
import { afterAll, expect, test } from 'vitest';
import { postgresStorage, type StorageChange } from '../src/index.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * LISTEN/NOTIFY: a change committed through one server's adapter reaches the
 * subscribers of another server's adapter; a refused change sends nothing;
 * a lost listening connection comes back and says `resync`.
 */

const raw = testPool(2);
const poolA = testPool(3);
const poolB = testPool(3);
const schema = schemaName('tk_feed');
afterAll(async () => {
  await dropSchema(raw, schema);
  await Promise.all([raw.end(), poolA.end(), poolB.end()]);
});

async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const listeners = async () =>
  (
    await raw.query('SELECT pid FROM pg_stat_activity WHERE query = $1 AND datname = current_database()', [
      `LISTEN "ticketkit:${schema}"`,
    ])
  ).rows.map((row: { pid: number }) => row.pid);

test('a change on one server is seen by the others; a refused one is not; a lost listener resyncs', async () => {
  const serverA = postgresStorage({ pool: poolA, schema, onError: () => {} });
  const serverB = postgresStorage({ pool: poolB, schema });
  await serverA.init();
  await serverB.init();
  const seen: StorageChange[] = [];
  const stop = await serverA.subscribe((change) => seen.push(change));

  const ticket = makeTicket();
  await serverB.commit({ ticket: { kind: 'insert', ticket }, thread: [makeThreadEntry(ticket)], audit: [] });
  await until('the insert', () => seen.length === 1);
  expect(seen[0]).toEqual({
    type: 'ticket.changed',
    kind: 'created',
    ticketId: ticket.id,
    number: ticket.number,
    version: 1,
    departmentId: ticket.departmentId,
    commands: [],
    actor: null,
    at: ticket.updatedAt,
  });

  // A stale update is refused and rolled back: no notice is sent for it.
  await expect(
    serverB.commit({
      ticket: { kind: 'update', ticket: { ...ticket, version: 2 }, expectedVersion: 5 },
      thread: [],
      audit: [],
    }),
  ).rejects.toMatchObject({ code: 'CONFLICT' });
  await serverB.commit({
    ticket: { kind: 'update', ticket: { ...ticket, version: 2 }, expectedVersion: 1 },
    thread: [],
    audit: [],
  });
  await until('the update', () => seen.length === 2);
  expect(seen.map((change) => (change.type === 'ticket.changed' ? change.version : change.type))).toEqual([1, 2]);

  // The listening connection dies (a failover, an idle timeout): it comes back and says so.
  const [pid] = await listeners();
  expect(pid).toBeTypeOf('number');
  await raw.query('SELECT pg_terminate_backend($1)', [pid]);
  await until('the resync', () => seen.some((change) => change.type === 'resync'));
  await serverB.commit({
    ticket: { kind: 'update', ticket: { ...ticket, version: 3 }, expectedVersion: 2 },
    thread: [],
    audit: [],
  });
  await until('the change after the reconnect', () => seen.at(-1)?.type === 'ticket.changed');
  expect(seen.at(-1)).toMatchObject({ ticketId: ticket.id, version: 3 });

  // The last subscriber leaving gives the connection back.
  await stop();
  expect(await listeners()).toEqual([]);
  await serverA.close();
  await serverB.close();
});

test('notices of many concurrent commits arrive once each, in payloads under the size limit', async () => {
  const serverA = postgresStorage({ pool: poolA, schema, onError: () => {} });
  const serverB = postgresStorage({ pool: poolB, schema });
  await serverA.init();
  const seen: StorageChange[] = [];
  const stop = await serverA.subscribe((change) => seen.push(change));
  const payloads: string[] = [];
  const spy = await raw.connect();
  spy.on('notification', (message) => payloads.push(message.payload ?? ''));
  await spy.query(`LISTEN "ticketkit:${schema}"`);
  // Enough commits at once that their notices share statements and overflow one 8,000-byte payload.
  const tickets = Array.from({ length: 120 }, () => makeTicket());
  await Promise.all(
    tickets.map((ticket) => serverB.commit({ ticket: { kind: 'insert', ticket }, thread: [], audit: [] })),
  );
  await until('every insert', () => seen.length >= tickets.length);
  await until('the spy', () => payloads.flat().join('').split('ticket.changed').length - 1 >= tickets.length);
  expect(seen.map((change) => (change.type === 'ticket.changed' ? change.ticketId : '')).sort()).toEqual(
    tickets.map((ticket) => ticket.id).sort(),
  );
  expect(payloads.length).toBeLessThan(tickets.length);
  for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
  await spy.query(`UNLISTEN "ticketkit:${schema}"`);
  spy.release();
  await stop();
  await serverA.close();
  await serverB.close();
});
