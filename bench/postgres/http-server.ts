/**
 * One app server of the PostgreSQL HTTP intake suite, in a process of its
 * own: a desk on the schema behind `createSupportApi` on `node:http`, bound
 * to 127.0.0.1. Started with `fork()` by bench/postgres/http-intake.ts, which
 * it tells its port; it answers `close` by shutting down.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { createHelpDesk, systemClock } from '@ticketkit/core';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';

const [url, schema, applicationName] = process.argv.slice(2);
if (!url || !schema || !process.send) throw new Error('start this with fork(), passing the database and schema');
function withApplicationName(url: string, name: string | undefined) {
  if (!name) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}
const desk = await createHelpDesk({
  // The application name lets the runner sample these sessions in pg_stat_activity.
  storage: postgresStorage({ connectionString: withApplicationName(url, applicationName), schema, max: 8 }),
  clock: systemClock,
  notifiers: [{ id: 'email', send: async () => {} }],
});
const api = createSupportApi(desk, {
  customerTokens: { secret: 'ticketkit-benchmark-secret-0123456789abcdef' },
  // Every request comes from one address: the per-IP and per-email limits would refuse the load, not measure it.
  rateLimits: { intakePerIp: false, intakePerEmail: false },
});
const server = createServer(toNodeHandler(api));
server.listen(0, '127.0.0.1', 1_024, () =>
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }),
);
process.on('message', async (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', cpuMs: (user + system) / 1000 });
    return;
  }
  if (message !== 'close') return;
  server.close();
  server.closeAllConnections();
  await desk.close();
  process.send?.({ type: 'closed' });
  process.disconnect();
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
});
