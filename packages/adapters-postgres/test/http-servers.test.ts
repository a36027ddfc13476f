import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHelpDesk, manualClock } from '@ticketkit/core';
import { standardWebhookNotifier } from '@ticketkit/server';
import { afterAll, expect, test } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { startListening } from './support/processes.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Three app servers (Node processes running the HTTP API) on one schema
 * under a bounded loopback load of intakes, replies and assignments on
 * shared tickets, each sweeping with its scheduler: no acknowledged update
 * is lost, every webhook arrives once, every SLA breach fires once. Then one
 * server is killed with SIGKILL mid-load: nothing it acknowledged is lost,
 * the others carry on, and what it had claimed is taken over after the lease.
 */

const raw = testPool(3);
const schema = schemaName('tk_http');
const dir = mkdtempSync(join(tmpdir(), 'ticketkit-http-'));
const children: ChildProcess[] = [];
let receiver: Server | undefined;
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  receiver?.close();
  await dropSchema(raw, schema);
  await raw.end();
  rmSync(dir, { recursive: true, force: true });
});

const SHARED = 9;
const OPENED = '2026-03-02T09:00:00.000Z';
// 70 minutes in: the shared tickets' first responses (due after 1 hour) are overdue.
const LATER = '2026-03-02T10:10:00.000Z';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * The receiving end: every webhook's `webhook-id`, in arrival order. Once
 * `hold` names a server, its webhooks are recorded but never answered: it
 * dies with them in hand, its deliveries still claimed.
 */
async function startReceiver() {
  const ids: string[] = [];
  const held: string[] = [];
  const state = { hold: '' };
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      if (state.hold && request.headers['x-server'] === state.hold) {
        held.push(id);
        return;
      }
      ids.push(id);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, ids, held, state };
}

function startApp(name: string, webhook: string, breaches: string) {
  const app = startListening('http-app.ts', [DATABASE_URL, schema, name, LATER, webhook, breaches], name);
  children.push(app.child);
  return { name, ...app };
}

interface Acknowledged {
  replies: { ticketId: string; body: string }[];
  intakes: string[];
  assigns: number;
  /** Statuses of refused requests: a conflict or a refused transition, never a server error. */
  refused: number[];
}

/** Sends `requests` through `pick()`'s server, `concurrency` at a time; collects what was acknowledged (2xx). */
async function drive(
  requests: { path: string; body: unknown; agent?: string; kind: 'intake' | 'reply' | 'assign'; key?: string }[],
  pick: (index: number) => number | null,
  acknowledged: Acknowledged,
  concurrency = 6,
  onProgress: (done: number) => void = () => {},
) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index];
      const port = pick(index);
      if (!request || port === null) continue;
      try {
        const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(request.agent ? { 'x-agent': request.agent } : {}),
            ...(request.key ? { 'idempotency-key': request.key } : {}),
          },
          body: JSON.stringify(request.body),
        });
        const answer = (await response.json()) as { ticket?: { id: string }; id?: string };
        if (response.ok) {
          if (request.kind === 'reply') {
            acknowledged.replies.push({
              ticketId: request.path.split('/')[2] ?? '',
              body: String((request.body as { body: string }).body),
            });
          } else if (request.kind === 'intake') {
            acknowledged.intakes.push(answer.ticket?.id ?? answer.id ?? '');
          } else acknowledged.assigns += 1;
        } else acknowledged.refused.push(response.status);
      } catch {
        // A killed server: the request was not acknowledged.
      }
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function load(round: string, tickets: readonly string[]) {
  const requests: Parameters<typeof drive>[0] = [];
  for (let index = 0; index < 60; index++) {
    const email = `${round}-${index}@example.com`;
    requests.push({
      kind: 'intake',
      path: '/tickets',
      key: `${round}-intake-${index}-0123456789`,
      body: { subject: `Intake ${round} ${index}`, body: 'Hello', departmentId: 'help', requester: { email } },
    });
    const ticketId = tickets[index % tickets.length] ?? '';
    requests.push({
      kind: 'reply',
      path: `/tickets/${ticketId}/replies`,
      agent: index % 2 ? 'ann' : 'bob',
      body: { body: `${round} reply ${index}` },
    });
    if (index % 3 === 0) {
      requests.push({
        kind: 'assign',
        path: `/tickets/${ticketId}/assign`,
        agent: 'ann',
        body: { agentId: index % 2 ? 'ann' : 'bob' },
      });
    }
  }
  return requests;
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const undelivered = async () =>
  Number(
    (
      await raw.query(
        `SELECT (SELECT count(*) FROM "${schema}".outbox WHERE status = 'pending')
          + (SELECT count(*) FROM "${schema}".deliveries WHERE status <> 'delivered') AS n`,
      )
    ).rows[0].n,
  );

test('three HTTP servers on one schema: nothing lost, each webhook once, each breach once; one killed mid-load', {
  timeout: 120_000,
}, async () => {
  const setup = await createHelpDesk({ storage: postgresStorage({ pool: raw, schema }), clock: manualClock(OPENED) });
  await setup.departments.upsert({ id: 'help', name: 'Help Desk' });
  await setup.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await setup.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await setup.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  // Shared tickets take the load; as many others, untouched, wait for the sweeps to find them overdue.
  const shared: string[] = [];
  const overdue: string[] = [];
  for (let index = 0; index < SHARED * 2; index++) {
    const ticket = await setup.tickets.open(
      { subject: `Card blocked ${index}`, body: 'Help', departmentId: 'help' },
      { actor: { type: 'customer', email: `c${index}@example.com` } },
    );
    if (index < SHARED) shared.push(ticket.id);
    else {
      await setup.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, { actor: { type: 'agent', id: 'ann' } });
      overdue.push(ticket.id);
    }
  }
  await setup.close();

  const hooks = await startReceiver();
  const breaches = join(dir, 'breaches.jsonl');
  writeFileSync(breaches, '');
  const apps = ['s1', 's2', 's3'].map((name) => startApp(name, hooks.url, breaches));
  const ports = await Promise.all(apps.map((app) => app.port));

  // Round 1: all three servers, round robin.
  const first: Acknowledged = { replies: [], intakes: [], assigns: 0, refused: [] };
  const started = Date.now();
  await drive(load('r1', shared), (index) => ports[index % 3] ?? null, first);
  await until('every notification of round 1 delivered', async () => (await undelivered()) === 0);
  const roundOneHooks = hooks.ids.length;
  expect(new Set(hooks.ids).size).toBe(hooks.ids.length);
  expect(first.intakes).toHaveLength(60);
  expect(first.replies).toHaveLength(60);

  // Every SLA breach fired exactly once, whichever server's sweep saw it first.
  await until('the breaches of the shared tickets', async () => {
    const fired = readFileSync(breaches, 'utf8').split('\n').filter(Boolean);
    return fired.length >= SHARED;
  });
  const fired = readFileSync(breaches, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { ticketId: string; target: string; by: string });
  expect(new Set(fired.map((event) => `${event.ticketId}/${event.target}`)).size).toBe(fired.length);
  expect(new Set(fired.map((event) => event.ticketId))).toEqual(new Set(overdue));

  // Round 2: s3 is killed with SIGKILL a third of the way in; its share goes to the others from then on.
  const second: Acknowledged = { replies: [], intakes: [], assigns: 0, refused: [] };
  let killed = false;
  const requests = load('r2', shared);
  hooks.state.hold = 's3';
  await drive(
    requests,
    (index) => (killed ? (ports[index % 2] ?? null) : (ports[index % 3] ?? null)),
    second,
    6,
    (done) => {
      if (!killed && done >= requests.length / 3) {
        killed = true;
        apps[2]?.child.kill('SIGKILL');
      }
    },
  );
  expect(killed).toBe(true);
  expect(second.intakes.length).toBeGreaterThan(40);

  // The survivors deliver what is theirs; a server with a clock past the killed one's leases takes the rest over.
  for (const app of apps.slice(0, 2)) app.child.kill('SIGTERM');
  await Promise.all(apps.slice(0, 2).map((app) => new Promise((resolve) => app.child.once('exit', resolve))));
  // What is still claimed now was claimed by the killed server (the survivors finished their sends on SIGTERM).
  const { rows: stranded } = await raw.query(
    `SELECT id FROM "${schema}".deliveries WHERE claimed_by IS NOT NULL AND status <> 'delivered'`,
  );
  const drain = await createHelpDesk({
    storage: postgresStorage({ pool: raw, schema }),
    clock: manualClock('2026-03-03T10:10:00.000Z'),
    logger: { warn: () => {}, error: () => {} },
    notifiers: [standardWebhookNotifier({ url: hooks.url, secret: SECRET })],
  });
  await until('every notification delivered after the takeover', async () => {
    await drain.scheduler.runOnce();
    return (await undelivered()) === 0;
  });

  // Nothing acknowledged is lost: every acknowledged reply is in its thread, every acknowledged intake stored.
  const agent = { actor: { type: 'agent', id: 'ann' } } as const;
  for (const reply of [...first.replies, ...second.replies]) {
    const thread = await drain.tickets.thread(reply.ticketId, agent);
    expect(
      thread.some((entry) => entry.body === reply.body),
      reply.body,
    ).toBe(true);
  }
  for (const id of [...first.intakes, ...second.intakes]) {
    expect((await drain.tickets.get(id, agent)).id).toBe(id);
  }
  // Each ticket's version counts its commits: no update overwrote another.
  for (const id of [...shared, ...overdue]) {
    const history = await drain.tickets.history(id, agent);
    expect((await drain.tickets.get(id, agent)).version).toBe(history.length);
  }
  await drain.close();
  // Every delivery was sent; a webhook sent twice can only be one the killed server had in hand
  // (at-least-once: the same webhook-id, which the receiver deduplicates on).
  const { rows } = await raw.query<{ id: string }>(
    `SELECT data->'notification'->>'id' AS id FROM "${schema}".deliveries`,
  );
  receiver?.closeAllConnections();
  const received = new Set([...hooks.ids, ...hooks.held]);
  if (stranded.length) {
    const { rows: takenOver } = await raw.query(
      `SELECT status FROM "${schema}".deliveries WHERE id = ANY($1::text[])`,
      [stranded.map((row) => row.id)],
    );
    expect(takenOver.every((row) => row.status === 'delivered')).toBe(true);
  }
  expect(rows.every((row) => received.has(row.id))).toBe(true);
  // Answered twice: never. Sent again after the kill: only what the killed server had in hand.
  expect(new Set(hooks.ids).size).toBe(hooks.ids.length);
  const resent = hooks.ids.filter((id) => hooks.held.includes(id));
  expect(resent.length).toBe(new Set(hooks.held).size);
  expect(stranded.length).toBeGreaterThan(0);
  const duplicates = resent.length;
  console.log(
    `HTTP servers: round 1 ${first.intakes.length + first.replies.length + first.assigns} acknowledged (${first.refused.length} refused: ${[...new Set(first.refused)].join(', ')}), ${roundOneHooks} webhooks, ${fired.length} breaches; round 2 ${second.intakes.length + second.replies.length + second.assigns} acknowledged, ${stranded.length} deliveries left claimed by the killed server and taken over, ${duplicates} webhooks resent after the kill; ${Date.now() - started} ms`,
  );
  expect([...first.refused, ...second.refused].every((status) => status < 500)).toBe(true);
  for (const app of apps.slice(0, 2)) expect(app.stderr()).toBe('');
});
