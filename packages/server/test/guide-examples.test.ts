import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHelpDesk, type HelpDesk, manualClock, memoryStorage } from '@ticketkit/core';
import { generateWebhookSecret, standardWebhookNotifier } from '@ticketkit/server';
import { afterAll, beforeAll, expect, test } from 'vitest';

/**
 * The examples of docs/guides/http-api.md, run as written: each marked block
 * is written to a module, imported, and served on 127.0.0.1; then a customer
 * opens a ticket over real HTTP and follows it with the access token.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
let dir: string;
const modules = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  const guide = await readFile(new URL('../../../docs/guides/http-api.md', import.meta.url), 'utf8');
  // Inside the repository, so the packages resolve as they do for the tests.
  dir = await mkdtemp(join(here, '.guide-examples-'));
  for (const [, name, code] of guide.matchAll(/<!-- http-example: ([a-z-]+) -->\s*```ts\n([\s\S]*?)```/g)) {
    const file = join(dir, `${name}.ts`);
    await writeFile(file, code as string);
    modules.set(name as string, (await import(/* @vite-ignore */ file)) as Record<string, unknown>);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function deskForExamples(): Promise<HelpDesk> {
  const desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  return desk;
}

/** Opens a ticket through `fetch` at `base`, then reads its thread with the access token. */
async function customerJourney(fetchAt: (path: string, init?: RequestInit) => Promise<Response>) {
  const opened = await fetchAt('/support/api/tickets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      requester: { email: 'ken@example.com' },
      subject: 'Card blocked',
      body: 'Help!',
      departmentId: 'help',
    }),
  });
  expect(opened.status).toBe(201);
  const { ticket, accessToken } = (await opened.json()) as { ticket: { number: string }; accessToken: string };
  expect(opened.headers.get('location')).toBe(`/support/api/tickets/${ticket.number}`);
  const thread = await fetchAt(`/support/api/tickets/${ticket.number}/thread`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(thread.status).toBe(200);
  expect(((await thread.json()) as { items: { body: string }[] }).items.map((entry) => entry.body)).toEqual(['Help!']);
  return ticket.number;
}

async function listening(server: Server): Promise<string> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('every marked example of the guide was found', () => {
  expect([...modules.keys()].sort()).toEqual(['express', 'hono', 'nextjs', 'node', 'webhook-receiver']);
});

test('node:http: the customer journey over loopback, and an agent signed in by session cookie', async () => {
  const desk = await deskForExamples();
  const { serve, sessions } = modules.get('node') as {
    serve: (desk: HelpDesk, port: number) => Server;
    sessions: Map<string, unknown>;
  };
  const server = serve(desk, 0);
  try {
    const base = await listening(server);
    const number = await customerJourney((path, init) => fetch(`${base}${path}`, init));
    sessions.set('s3cr3t', { type: 'agent', id: 'ann' });
    const cookie = { cookie: 'sid=s3cr3t' };
    const queue = await fetch(`${base}/support/api/queues/open`, { headers: cookie });
    expect(queue.status).toBe(200);
    expect(((await queue.json()) as { items: { number: string }[] }).items.map((t) => t.number)).toEqual([number]);
    // A cookie-authenticated change from another site is refused; from the app's own pages it goes through.
    const note = (headers: Record<string, string>) =>
      fetch(`${base}/support/api/tickets/${number}/notes`, {
        method: 'POST',
        headers: { ...cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ body: 'Checked the card' }),
      });
    expect((await note({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await note({ origin: base })).status).toBe(200);
    expect((await fetch(`${base}/support/api/queues`)).status, 'no session, no queues').toBe(401);
  } finally {
    server.close();
    await desk.close();
  }
});

test('Express: mounted at its base path, beside the app’s own routes', async () => {
  const desk = await deskForExamples();
  const { expressApp } = modules.get('express') as {
    expressApp: (desk: HelpDesk) => { listen: (port: number, host: string) => Server };
  };
  const server = expressApp(desk).listen(0, '127.0.0.1');
  try {
    const base = await listening(server);
    await customerJourney((path, init) => fetch(`${base}${path}`, init));
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
  } finally {
    server.close();
    await desk.close();
  }
});

test('Hono: routed under its base path, beside the app’s own routes', async () => {
  const desk = await deskForExamples();
  const { honoApp } = modules.get('hono') as {
    honoApp: (desk: HelpDesk) => { fetch: (request: Request) => Promise<Response> };
  };
  const app = honoApp(desk);
  await customerJourney((path, init) => app.fetch(new Request(`http://app.test${path}`, init)));
  expect(await (await app.fetch(new Request('http://app.test/'))).text()).toBe('My app');
  await desk.close();
});

test('Next.js: the route handlers answer as a route file exports them', async () => {
  const desk = await deskForExamples();
  const { createRouteHandlers } = modules.get('nextjs') as {
    createRouteHandlers: (
      desk: HelpDesk,
    ) => Record<'GET' | 'POST' | 'PATCH' | 'OPTIONS', (request: Request) => Promise<Response>>;
  };
  const { GET, POST } = createRouteHandlers(desk);
  await customerJourney((path, init) => {
    const request = new Request(`http://app.test${path}`, init);
    return request.method === 'POST' ? POST(request) : GET(request);
  });
  await desk.close();
});

test('webhooks: the receiver of the guide accepts the desk’s signed webhooks once each, and refuses forgeries', async () => {
  const secret = generateWebhookSecret();
  const received: string[] = [];
  const { webhookReceiver } = modules.get('webhook-receiver') as {
    webhookReceiver: (secret: string, handle: (payload: { type: string }) => void) => Server;
  };
  const receiver = webhookReceiver(secret, (payload) => received.push(payload.type));
  receiver.listen(0, '127.0.0.1');
  const base = await listening(receiver);
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    clock: manualClock(new Date()),
    logger: { warn() {}, error() {} },
    notifiers: [standardWebhookNotifier({ url: `${base}/hooks`, secret, types: ['ticket.new_alert'] })],
  });
  try {
    await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
    await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
    await desk.tickets.open(
      { subject: 'Card blocked', body: 'Help!', departmentId: 'help' },
      { actor: { type: 'customer', email: 'ken@example.com' } },
    );
    await desk.deliveries.idle();
    expect(received).toEqual(['ticket.new_alert']);
    const [delivery] = (await desk.deliveries.list()).items;
    expect(delivery?.status).toBe('delivered');
    const forged = await fetch(`${base}/hooks`, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: '{"type":"ticket.new_alert"}',
    });
    expect(forged.status).toBe(401);
    expect(received).toHaveLength(1);
  } finally {
    await desk.close();
    receiver.close();
  }
});
