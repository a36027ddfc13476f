import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, type HelpDesk, manualClock, type StorageAdapter, type StorageChange } from '@ticketkit/core';
import { createSupportApi, type SupportApi, toNodeHandler } from '@ticketkit/server';
import { afterEach, expect, test } from 'vitest';
import { EventHub, type EventStreamOptions } from '../src/events/event-hub.js';
import { eventRoutes } from '../src/routes/event-routes.js';

/**
 * `GET /events` over a real loopback connection: each agent receives only
 * the events of tickets the desk lets them see, resumes with
 * `Last-Event-ID`, is told to reload when the buffer no longer holds what
 * they missed, gets heartbeats, and is forgotten when they disconnect.
 */

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** An SSE connection read frame by frame. */
interface Stream {
  response: IncomingMessage;
  /** The next frame that is not a comment (or the next comment when `comments`). */
  next(options?: { comments?: boolean; timeoutMs?: number }): Promise<Frame>;
  close(): void;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(events: EventStreamOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ticketkit-events-'));
  const desk: HelpDesk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    clock: manualClock('2026-03-02T09:00:00Z'),
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.agents.upsert({ id: 'isabella', name: 'Isabella', email: 'isabella@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['l2'] });
  const api: SupportApi = createSupportApi(desk, {
    // The test's "session": the agent named in a header (a host reads its own cookie here).
    authenticate: (request) => {
      const id = request.headers.get('x-agent');
      return id ? { type: 'agent', id } : null;
    },
    events,
  });
  const server: Server = createServer(toNodeHandler(api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await desk.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const connect = (agent: string | null, lastEventId?: string) => openStream(port, agent, lastEventId);
  const open = (departmentId: string, subject: string) =>
    desk.tickets.open(
      { requester: { email: 'ken@example.com', name: 'Ken' }, subject, body: 'Details', departmentId },
      { actor: { type: 'system' } },
    );
  return { desk, api, port, connect, open };
}

function openStream(port: number, agent: string | null, lastEventId?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (agent) headers['x-agent'] = agent;
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/events', headers }, (response) => {
      response.setEncoding('utf8');
      let buffer = '';
      const frames: Frame[] = [];
      let wake = () => {};
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            const match = /^(id|event|data): (.*)$/.exec(line);
            if (match) frame[match[1] as 'id' | 'event' | 'data'] = match[2];
          }
          frames.push(frame);
        }
        wake();
      });
      const stream: Stream = {
        response,
        async next({ comments = false, timeoutMs = 5_000 } = {}) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const index = frames.findIndex((frame) => (comments ? frame.comment !== undefined : frame.event));
            if (index >= 0) return frames.splice(0, index + 1).at(-1) as Frame;
            if (Date.now() > deadline) throw new Error('no frame in time');
            await new Promise<void>((done) => {
              wake = done;
              setTimeout(done, 50);
            });
          }
        },
        close: () => req.destroy(),
      };
      cleanups.push(() => {
        req.destroy();
      });
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

const ticketOf = (frame: Frame) => JSON.parse(frame.data ?? '{}').ticket as { subject: string; departmentId: string };

test('an agent receives the events of their departments only, in order, as text/event-stream', async () => {
  const { connect, open, desk } = await setup();
  const isabella = await connect('isabella');
  const winston = await connect('winston');
  expect(isabella.response.statusCode).toBe(200);
  expect(isabella.response.headers['content-type']).toMatch(/^text\/event-stream/);

  const help = await open('help', 'Password reset');
  const l2 = await open('l2', 'App crashes');
  // Winston's first frame is the Level 2 ticket: the Help Desk one was never sent to him.
  const first = await winston.next();
  expect(first.event).toBe('ticket.created');
  expect(ticketOf(first).subject).toBe('App crashes');
  const own = await isabella.next();
  expect(ticketOf(own).subject).toBe('Password reset');

  // Transferred to Level 2, the ticket becomes Winston's to see; its later events reach him.
  await desk.tickets.transfer(
    help.id,
    { departmentId: 'l2', note: 'Over to you' },
    { actor: { type: 'agent', id: 'isabella' } },
  );
  expect((await winston.next()).event).toBe('ticket.transferred');
  await desk.tickets.note(l2.id, { body: 'Internal' }, { actor: { type: 'agent', id: 'winston' } });
  const noted = await winston.next();
  expect(noted.event).toBe('ticket.noted');
  expect(JSON.parse(noted.data ?? '{}').entry.body).toBe('Internal');
});

test('anonymous callers and customers get no stream', async () => {
  const { port } = await setup();
  const anonymous = await openStream(port, null);
  expect(anonymous.response.statusCode).toBe(401);
});

test('a reconnect with Last-Event-ID delivers what was missed, and only that', async () => {
  const { connect, open, desk } = await setup();
  const first = await connect('isabella');
  const ticket = await open('help', 'Card blocked');
  const created = await first.next();
  first.close();

  await desk.tickets.reply(ticket.id, { body: 'On it' }, { actor: { type: 'agent', id: 'isabella' } });
  await desk.tickets.note(ticket.id, { body: 'Called the bank' }, { actor: { type: 'agent', id: 'isabella' } });
  await open('l2', 'Not for Isabella');

  const again = await connect('isabella', created.id);
  expect((await again.next()).event).toBe('ticket.replied');
  expect((await again.next()).event).toBe('ticket.noted');
  // Live events follow the replay.
  await open('help', 'After the reconnect');
  const live = await again.next();
  expect(live.event).toBe('ticket.created');
  expect(ticketOf(live).subject).toBe('After the reconnect');
});

test('past the buffer, or after a restart, the client is told to reload', async () => {
  const { connect, open } = await setup({ bufferSize: 2 });
  const stream = await connect('isabella');
  await open('help', 'One');
  const one = await stream.next();
  stream.close();
  for (const subject of ['Two', 'Three', 'Four']) await open('help', subject);
  const late = await connect('isabella', one.id);
  const reset = await late.next();
  expect(reset.event).toBe('reset');
  expect(JSON.parse(reset.data ?? '{}').reason).toMatch(/no longer kept/);
  const foreign = await connect('isabella', 'abcdef-3');
  expect((await foreign.next()).event).toBe('reset');
});

test('an idle stream gets heartbeats', async () => {
  const { connect } = await setup({ heartbeatMs: 30 });
  const stream = await connect('isabella');
  expect((await stream.next({ comments: true })).comment).toBe('connected');
  expect((await stream.next({ comments: true })).comment).toBe('heartbeat');
});

test('a client that disconnects is forgotten: by abort and by cancel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticketkit-events-'));
  const desk = await createHelpDesk({ storage: sqliteStorage({ filename: join(dir, 'desk.db') }) });
  cleanups.push(async () => {
    await desk.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await desk.agents.upsert({ id: 'isabella', name: 'Isabella', email: 'i@bank.test', role: 'admin' });
  const hub = new EventHub(desk, { heartbeatMs: 20 });
  const [route] = eventRoutes(hub);
  if (!route) throw new Error('GET /events is missing');
  const call = async (signal: AbortSignal) => {
    const response = await route.handle({
      request: new Request('http://127.0.0.1/events', { signal }),
      identity: { kind: 'session', actor: { type: 'agent', id: 'isabella' } },
    } as never);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    return reader;
  };
  const aborted = new AbortController();
  await call(aborted.signal);
  const cancelled = await call(new AbortController().signal);
  expect(hub.connected).toBe(2);
  aborted.abort();
  expect(hub.connected).toBe(1);
  await cancelled.cancel();
  expect(hub.connected).toBe(0);
  hub.close();
});

test('from storage: one frame per change, ids of ticket and version, resume by id, bookkeeping left out', async () => {
  const { connect, open, desk } = await setup({ source: 'storage' });
  const stream = await connect('isabella');
  const ticket = await open('help', 'Card blocked');
  const created = await stream.next();
  expect(created.event).toBe('ticket.created');
  expect(created.id).toBe(`${ticket.id}:1`);
  stream.close();
  const agent = { actor: { type: 'agent', id: 'isabella' } } as const;
  // A reply on an open ticket moves no status here: one change, one frame (the desk source would send two).
  await desk.tickets.reply(ticket.id, { body: 'On it' }, agent);
  await desk.tickets.note(ticket.id, { body: 'Called the bank' }, agent);
  const again = await connect('isabella', created.id);
  const replied = await again.next();
  expect([replied.event, replied.id]).toEqual(['ticket.replied', `${ticket.id}:2`]);
  expect(JSON.parse(replied.data ?? '{}')).toMatchObject({
    version: 2,
    commands: [{ command: 'reply', event: 'AGENT_REPLY' }],
    actor: { type: 'agent', id: 'isabella' },
  });
  expect((await again.next()).id).toBe(`${ticket.id}:3`);
  const unknown = await connect('isabella', `${ticket.id}:99`);
  const reset = await unknown.next();
  expect(reset.event).toBe('reset');
  expect(JSON.parse(reset.data ?? '{}').reason).toMatch(/no longer kept here/);
});

test("source 'storage' on a storage without a change feed is refused, naming the option", async () => {
  const { memoryStorage } = await import('@ticketkit/core');
  const { subscribe: _subscribe, ...storage } = memoryStorage();
  const desk = await createHelpDesk({ storage });
  cleanups.push(() => desk.close());
  expect(() => createSupportApi(desk, { events: { source: 'storage' } })).toThrow(
    expect.objectContaining({
      code: 'VALIDATION_FAILED',
      details: expect.objectContaining({ issues: [expect.objectContaining({ path: ['events', 'source'] })] }),
    }),
  );
  // 'auto' falls back to the desk's own events.
  expect(new EventHub(desk, {}).source).toBe('desk');
});

test('from a shared feed (auto): a resync tells every client to reload and forgets what came before', async () => {
  const { memoryStorage } = await import('@ticketkit/core');
  const memory = memoryStorage();
  let heard: ((change: StorageChange) => void) | undefined;
  // A memory storage that says its feed is shared, and lets the test play the lost connection.
  const storage: StorageAdapter = {
    ...memory,
    sharedChanges: true,
    subscribe: async (listener) => {
      heard = listener;
      return memory.subscribe?.(listener) ?? (async () => {});
    },
  };
  const desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'isabella', name: 'Isabella', email: 'i@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, { authenticate: () => ({ type: 'agent', id: 'isabella' }) });
  const server: Server = createServer(toNodeHandler(api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await desk.close();
  });
  const port = (server.address() as AddressInfo).port;
  const stream = await openStream(port, 'isabella');
  const ticket = await desk.tickets.open(
    { requester: { email: 'ken@example.com' }, subject: 'Card blocked', body: 'Help', departmentId: 'help' },
    { actor: { type: 'system' } },
  );
  const created = await stream.next();
  expect(created.id).toBe(`${ticket.id}:1`);
  heard?.({ type: 'resync' });
  const reset = await stream.next();
  expect(reset.event).toBe('reset');
  expect(JSON.parse(reset.data ?? '{}').reason).toMatch(/missed changes/);
  const resumed = await openStream(port, 'isabella', created.id);
  expect((await resumed.next()).event, 'nothing before the resync can be resumed across it').toBe('reset');
});
