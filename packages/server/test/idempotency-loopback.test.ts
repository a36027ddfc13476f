import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import {
  createHelpDesk,
  type HelpDesk,
  type ManualClock,
  manualClock,
  memoryStorage,
  type StorageAdapter,
} from '@ticketkit/core';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';
import { afterEach, describe, expect, test } from 'vitest';

const PARALLEL = 1_000;
const KEY = 'intake-retry-7f3c';
const form = {
  requester: { email: 'ken@example.com', name: 'Ken' },
  subject: 'Card blocked',
  body: 'My card was blocked after a payment abroad.',
};

interface Fixture {
  desk: HelpDesk;
  clock: ManualClock;
  /** Tickets in storage, counted behind the desk's back. */
  tickets(): number;
  cleanup(): void;
}

/**
 * Makes the first `parties` idempotency lookups wait for one another: every
 * request finds the key unused, so all of them race to commit — the worst
 * case, which scheduling alone reaches only now and then. (The lookups after
 * a lost race, and later requests, pass straight through.)
 */
function raceAtTheKey(storage: StorageAdapter, parties: number) {
  const lookup = storage.getIdempotencyRecord.bind(storage);
  let waiting = 0;
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  storage.getIdempotencyRecord = async (scope, key) => {
    if (waiting < parties) {
      const found = await lookup(scope, key);
      waiting += 1;
      if (waiting === parties) open();
      await opened;
      return found;
    }
    return lookup(scope, key);
  };
}

const storages: Record<string, () => Promise<Fixture>> = {
  async sqlite() {
    const dir = mkdtempSync(join(tmpdir(), 'ticketkit-loopback-'));
    const storage = sqliteStorage({ filename: join(dir, 'desk.db') });
    raceAtTheKey(storage, PARALLEL);
    const clock = manualClock('2026-03-02T09:00:00Z');
    const desk = await createHelpDesk({ storage, clock, intake: { defaultDepartmentId: 'help' } });
    return {
      desk,
      clock,
      tickets: () => Number(storage.database.prepare('SELECT count(*) FROM tickets').pluck().get()),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  async memory() {
    const storage = memoryStorage();
    raceAtTheKey(storage, PARALLEL);
    const clock = manualClock('2026-03-02T09:00:00Z');
    const desk = await createHelpDesk({ storage, clock, intake: { defaultDepartmentId: 'help' } });
    return { desk, clock, tickets: () => storage.state.tickets.size, cleanup: () => {} };
  },
};

/** The API on a loopback server, counting the connections requests arrive on. */
async function loopbackServer(desk: HelpDesk) {
  const api = createSupportApi(desk, {
    customerTokens: { secret: 'loopback-test-secret-of-at-least-32-characters' },
    rateLimits: { intakePerIp: false, intakePerEmail: false },
  });
  const server: Server = createServer(toNodeHandler(api));
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  // A backlog above the burst: 1,000 connects at once overflow the default of 511 into SYN retries.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 2_048, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

const intake = (url: string, body: unknown, key = KEY) =>
  fetch(`${url}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

let teardown: (() => Promise<void>) | null = null;
afterEach(async () => {
  await teardown?.();
  teardown = null;
});

describe.each(Object.keys(storages))('idempotent intake over loopback HTTP (%s storage)', (name) => {
  test(`${PARALLEL.toLocaleString('en-US')} parallel identical requests open one ticket and get one answer`, async () => {
    const fixture = await (storages[name] as () => Promise<Fixture>)();
    const { desk, clock } = fixture;
    await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
    const server = await loopbackServer(desk);
    teardown = async () => {
      await server.close();
      await desk.close();
      fixture.cleanup();
    };

    // All 1,000 go out at once on node's fetch, whose pool opens a connection for each request in
    // flight; none can finish before all 1,000 are inside the desk (raceAtTheKey).
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        const response = await intake(server.url, form);
        return { status: response.status, body: await response.text() };
      }),
    );
    expect(server.connections()).toBe(PARALLEL);

    expect(fixture.tickets()).toBe(1);
    expect(responses.filter((response) => response.status !== 201)).toEqual([]);
    const bodies = new Set(responses.map((response) => response.body));
    expect(bodies.size).toBe(1);
    const first = JSON.parse(responses[0]?.body ?? '') as {
      ticket: { id: string; number: string; subject: string; requester: { email: string } };
      accessToken: string;
      accessTokenExpiresAt: string | null;
    };
    expect(first.ticket).toMatchObject({ subject: form.subject, requester: { email: form.requester.email } });
    expect(first.accessTokenExpiresAt).toBe('2026-05-31T09:00:00.000Z');
    // The one token every retry got opens the ticket.
    const view = await fetch(`${server.url}/tickets/${first.ticket.number}`, {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { id: string }).id).toBe(first.ticket.id);

    // The same key with another body is refused, and opens nothing.
    const mismatch = await intake(server.url, { ...form, body: 'Something else entirely.' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await mismatch.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_MISMATCH' });
    expect(fixture.tickets()).toBe(1);

    // Within 24 hours the key still answers with the first ticket.
    clock.advance('23h');
    const retry = await intake(server.url, form);
    expect(retry.status).toBe(201);
    expect(await retry.text()).toBe(responses[0]?.body);

    // After 24 hours it has expired: the same request opens a new ticket, which its own retries find.
    clock.advance('1h');
    clock.advance(1);
    const fresh = await intake(server.url, form);
    expect(fresh.status).toBe(201);
    const freshBody = await fresh.text();
    const second = JSON.parse(freshBody) as { ticket: { id: string }; accessToken: string };
    expect(second.ticket.id).not.toBe(first.ticket.id);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(fixture.tickets()).toBe(2);
    const again = await intake(server.url, form);
    expect(await again.text()).toBe(freshBody);
    expect(fixture.tickets()).toBe(2);
  }, 60_000);
});
