import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHelpDesk, manualClock } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * A server killed with SIGKILL in the middle of sending: the deliveries it
 * had claimed stay its own until their lease runs out, and then another
 * server takes them over and sends each one, under the same notification id.
 */

const raw = testPool(3);
const schema = schemaName('tk_killed');
afterAll(async () => {
  await dropSchema(raw, schema);
  await raw.end();
});

const T0 = '2026-03-02T09:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(T0) + n * 60_000).toISOString();

test('a killed server’s claims are taken over after their lease, and every notification is sent', {
  timeout: 60_000,
}, async () => {
  // Tickets opened on a web server that leaves sending to the scheduler: their notifications wait in the outbox.
  const setup = await createHelpDesk({
    storage: postgresStorage({ pool: raw, schema }),
    clock: manualClock(T0),
    notifiers: [{ id: 'webhook', send: async () => {} }],
    delivery: { sendAfterCommit: false },
  });
  await setup.departments.upsert({ id: 'help', name: 'Help Desk' });
  await setup.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  for (let index = 0; index < 6; index++) {
    await setup.tickets.open(
      { subject: `Card blocked ${index}`, body: 'Help', departmentId: 'help' },
      { actor: { type: 'customer', email: `c${index}@example.com` } },
    );
  }
  await setup.close();
  const t = (name: string) => `"${schema}"."${name}"`;
  const pending = Number(
    (await raw.query(`SELECT count(*) FROM ${t('outbox')} WHERE status = 'pending'`)).rows[0].count,
  );
  expect(pending).toBe(6);

  const script = fileURLToPath(new URL('./fixtures/dying-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, DATABASE_URL, schema, T0], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.startsWith('ready\n') && !child.stdin.writableEnded) child.stdin.end('go\n');
      if (output.includes('sending ')) resolve();
    });
    child.on('close', () => reject(new Error(`the server exited before sending: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const started = [...output.matchAll(/sending (\S+)/g)].map((match) => match[1]);

  const { rows: left } = await raw.query(
    `SELECT id, claimed_by, claimed_until FROM ${t('deliveries')} WHERE status <> 'delivered' ORDER BY id`,
  );
  const orphaned = left.filter((row: { claimed_by: string | null }) => row.claimed_by !== null);
  expect(orphaned.length, 'the killed server left claimed deliveries behind').toBeGreaterThan(0);
  for (const id of started) expect(orphaned.map((row: { id: string }) => row.id)).toContain(id);

  const received: string[] = [];
  const survivor = (at: string) =>
    createHelpDesk({
      storage: postgresStorage({ pool: raw, schema }),
      clock: manualClock(at),
      notifiers: [
        {
          id: 'webhook',
          async send(notification) {
            received.push(notification.id);
          },
        },
      ],
    });
  // A minute later the killed server's leases still hold: the survivor sends only what nobody claimed.
  const early = await survivor(minutes(1));
  await early.scheduler.runOnce();
  await early.close();
  for (const row of orphaned) expect(received).not.toContain(row.id);

  // After the lease (twice the send timeout plus a minute) the survivor takes them over.
  const late = await survivor(minutes(10));
  await late.scheduler.runOnce();
  await late.close();
  for (const row of orphaned) expect(received).toContain(row.id);
  expect(new Set(received).size, 'each notification once').toBe(received.length);
  const { rows } = await raw.query(
    `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*)::int AS total FROM ${t('deliveries')}`,
  );
  expect(rows[0].delivered).toBe(rows[0].total);
  expect(received).toHaveLength(rows[0].total);
  expect(Number((await raw.query(`SELECT count(*) FROM ${t('outbox')} WHERE status = 'pending'`)).rows[0].count)).toBe(
    0,
  );
});
