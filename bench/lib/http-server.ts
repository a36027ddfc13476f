/**
 * The HTTP load suite's server, in a process of its own: the benchmark's
 * SQLite desk behind `createSupportApi` on `node:http`, bound to 127.0.0.1.
 * Started with `fork()` by bench/suites/http-load.ts, which it tells its port;
 * it answers `usage` with its CPU time, `direct` by opening tickets without
 * HTTP, and `close` by shutting down.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '@ticketkit/core';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';
import { benchDesk, DEPARTMENTS, random } from './dataset.js';
import { AGENT_HEADER, type ServerMessage, type SuiteMessage } from './http-server-protocol.js';

const [filename, writes = 'default'] = process.argv.slice(2);
if (!filename || !process.send) throw new Error('start this with fork(), passing the SQLite file');
const send = (message: ServerMessage) => process.send?.(message);

// The wall clock, as in production; the desk otherwise is the benchmark's (SLA plan on every ticket, outbox rows
// written in each command's transaction and sent by the scheduler, which does not run here).
const { desk, storage } = await benchDesk(filename, systemClock, [{ id: 'email', send: async () => {} }], {
  // The suite's second intake run: the adapter's writes in its write thread.
  writeThread: writes === 'write-thread',
});
const api = createSupportApi(desk, {
  authenticate: (request) => {
    const id = request.headers.get(AGENT_HEADER);
    return id ? { type: 'agent', id } : null;
  },
  customerTokens: { secret: 'ticketkit-benchmark-secret-0123456789abcdef' },
  // Every request comes from one address: the per-IP and per-email limits would refuse the load, not measure it.
  rateLimits: { intakePerIp: false, intakePerEmail: false },
});
// Requests the desk is still working on, so that `usage` and `close` wait for them: a request autocannon gave up
// on at the end of a run still commits its ticket.
let inFlight = 0;
let drained: Array<() => void> = [];
const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve)));
const server = createServer(
  toNodeHandler({
    ...api,
    async fetch(request, env) {
      inFlight += 1;
      try {
        return await api.fetch(request, env);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) {
          for (const resolve of drained) resolve();
          drained = [];
        }
      }
    },
  }),
);
server.listen(0, '127.0.0.1', 1_024, () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));

/**
 * What `POST /tickets` asks of the desk, called directly by `concurrency`
 * loops for `seconds`: open a ticket (with an idempotency key) and its token, in one commit.
 */
async function directIntake(seconds: number, concurrency: number) {
  const rng = random(13);
  const run = Date.now().toString(36);
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  let tickets = 0;
  const loop = async () => {
    while (process.hrtime.bigint() < until) {
      const index = tickets++;
      const email = `direct-${run}-${index}@example.com`;
      await desk.tickets.openWithAccessToken(
        {
          requester: { email, name: `Direct ${index}` },
          subject: rng.words(3),
          body: rng.words(25),
          departmentId: DEPARTMENTS[index % DEPARTMENTS.length],
          idempotencyKey: `direct-${run}-${index}`,
        },
        { actor: { type: 'customer', email }, accessToken: { expiresIn: '90d' } },
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { tickets, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

const countTickets = storage.database.prepare('SELECT count(*) FROM tickets').pluck();
process.on('message', async (message: SuiteMessage) => {
  if (typeof message === 'object' && message.type === 'direct') {
    await idle();
    send({ type: 'direct', ...(await directIntake(message.seconds, message.concurrency)) });
  } else if (message === 'usage') {
    await idle();
    const { user, system } = process.cpuUsage();
    send({ type: 'usage', cpuMs: (user + system) / 1_000, tickets: Number(countTickets.get()) });
  } else if (message === 'close') {
    server.close();
    server.closeIdleConnections();
    await idle();
    server.closeAllConnections();
    await desk.close();
    send({ type: 'closed' });
    process.disconnect();
  }
});
// The suite went away without saying goodbye: do not outlive it.
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
});
