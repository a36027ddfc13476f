import type { ChildProcess } from 'node:child_process';
import { createHelpDesk } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { startListening } from './support/processes.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Two app servers (two Node processes running the HTTP API) on one schema:
 * an agent streaming `GET /events` from server A sees what is done through
 * server B, within a bounded wait; an agent of another department sees none
 * of it; and a client that disconnects resumes with `Last-Event-ID` on
 * either server and gets exactly what it missed.
 */

const raw = testPool(3);
const schema = schemaName('tk_events');
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await dropSchema(raw, schema);
  await raw.end();
});

function startApp(name: string): Promise<number> {
  const app = startListening('events-app.ts', [DATABASE_URL, schema], name);
  children.push(app.child);
  return app.port;
}

interface Frame {
  id?: string;
  event?: string;
  data?: Record<string, unknown>;
}

/** An SSE connection read frame by frame (comments skipped). */
async function stream(port: number, agent: string, lastEventId?: string) {
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/events`, {
    headers: {
      accept: 'text/event-stream',
      'x-agent': agent,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];
  const parse = (block: string) => {
    const frame: Frame = {};
    for (const line of block.split('\n')) {
      const [field, ...rest] = line.split(': ');
      const value = rest.join(': ');
      if (field === 'id') frame.id = value;
      else if (field === 'event') frame.event = value;
      else if (field === 'data') frame.data = JSON.parse(value);
    }
    if (frame.event) frames.push(frame);
  };
  // Read in the background until the test closes the stream.
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  })();
  return {
    frames,
    /** Waits (at most 10 s) until `count` frames have arrived. */
    async waitFor(count: number): Promise<Frame[]> {
      const deadline = Date.now() + 10_000;
      while (frames.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `${agent}: ${frames.length} of ${count} frames: ${JSON.stringify(frames.map((f) => f.event))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return frames.slice(0, count);
    },
    async close() {
      abort.abort();
      await pump;
    },
  };
}

async function post(port: number, path: string, body: unknown, agent?: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(agent ? { 'x-agent': agent } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { ticket?: { id: string } };
  expect(response.status, JSON.stringify(answer)).toBeLessThan(300);
  return answer;
}

const ticketOf = (frame: Frame | undefined) => frame?.data?.ticket as { id: string; subject: string } | undefined;

test('an agent on server A sees what is done through server B, filtered, and resumes on either server', {
  timeout: 90_000,
}, async () => {
  const setup = await createHelpDesk({ storage: postgresStorage({ pool: raw, schema }) });
  await setup.departments.upsert({ id: 'help', name: 'Help Desk' });
  await setup.departments.upsert({ id: 'l2', name: 'Level 2' });
  await setup.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await setup.agents.upsert({ id: 'walt', name: 'Walt', email: 'walt@bank.test', departmentIds: ['l2'] });
  await setup.close();
  const [a, b] = await Promise.all([startApp('A'), startApp('B')]);

  const ann = await stream(a, 'ann');
  const walt = await stream(a, 'walt');

  // Through B: a Help Desk ticket opened, assigned and answered.
  const opened = await post(b, '/tickets', {
    subject: 'Card blocked',
    body: 'Help',
    departmentId: 'help',
    requester: { email: 'ken@example.com' },
  });
  const id = opened.ticket?.id ?? '';
  await post(b, `/tickets/${id}/assign`, { agentId: 'ann' }, 'ann');
  await post(b, `/tickets/${id}/replies`, { body: 'On it' }, 'ann');
  const seen = await ann.waitFor(3);
  expect(seen.map((frame) => frame.event)).toEqual(['ticket.created', 'ticket.assigned', 'ticket.replied']);
  expect(seen.map((frame) => ticketOf(frame)?.id)).toEqual([id, id, id]);
  expect(seen[2]?.data?.actor).toMatchObject({ type: 'agent', id: 'ann' });
  expect(seen.map((frame) => frame.id)).toEqual([`${id}:1`, `${id}:2`, `${id}:3`]);

  // Walt (Level 2) was sent none of it: his first frame is the Level 2 ticket opened after.
  const l2 = await post(b, '/tickets', {
    subject: 'App crashes',
    body: 'Help',
    departmentId: 'l2',
    requester: { email: 'lu@example.com' },
  });
  const [first] = await walt.waitFor(1);
  expect(first?.event).toBe('ticket.created');
  expect(ticketOf(first)?.id).toBe(l2.ticket?.id);
  expect(walt.frames.some((frame) => ticketOf(frame)?.id === id)).toBe(false);

  // Ann disconnects; meanwhile B notes and resolves her ticket.
  const last = seen[2]?.id ?? '';
  await ann.close();
  await post(b, `/tickets/${id}/notes`, { body: 'Called the bank' }, 'ann');
  await post(b, `/tickets/${id}/resolve`, { resolutionNote: 'Unblocked' }, 'ann');
  // Seen by a third client on A, so A has heard them before Ann comes back.
  const watcher = await stream(a, 'ann', last);
  const missed = await watcher.waitFor(2);
  expect(missed.map((frame) => frame.event)).toEqual(['ticket.noted', 'ticket.resolved']);
  await watcher.close();

  // Ann comes back on B (a load balancer's choice) and on A: each replays exactly what she missed.
  for (const port of [b, a]) {
    const again = await stream(port, 'ann', last);
    const replayed = await again.waitFor(2);
    expect(replayed.map((frame) => frame.id)).toEqual([`${id}:4`, `${id}:5`]);
    expect(replayed.map((frame) => frame.event)).toEqual(['ticket.noted', 'ticket.resolved']);
    // Then live events follow, from either server.
    await post(port === a ? b : a, `/tickets/${id}/replies`, { body: `Live ${port}` }, 'ann');
    const [, , live] = await again.waitFor(3);
    expect(live?.event).toBe('ticket.replied');
    await again.close();
  }

  // An id no server heard is answered with reset, never a silent gap.
  const stranger = await stream(b, 'ann', '00000000-0000-7000-8000-000000000000:1');
  const [reset] = await stranger.waitFor(1);
  expect(reset?.event).toBe('reset');
  await stranger.close();
  await walt.close();
  for (const child of children) child.kill('SIGTERM');
});
