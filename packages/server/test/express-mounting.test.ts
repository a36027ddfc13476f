import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHelpDesk, type HelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi, type SupportApiOptions, toNodeHandler } from '@ticketkit/server';
import express from 'express';
import { afterEach, expect, test } from 'vitest';

/**
 * Two ways to mount the API wrongly under Express, each answered with a problem that names the fix instead of a
 * bare 404 or an "empty body" 422: a body parser before the API, and a mount path outside the API's basePath.
 */

let server: Server | undefined;
let desk: HelpDesk | undefined;
afterEach(async () => {
  server?.close();
  await desk?.close();
  server = undefined;
  desk = undefined;
});

async function serve(
  mount: (app: express.Express, handler: ReturnType<typeof toNodeHandler>) => void,
  options: SupportApiOptions,
) {
  desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  const app = express();
  mount(app, toNodeHandler(createSupportApi(desk, options)));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server?.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, problem: (await response.json()) as { code: string; detail: string } };
  };
}

const intake = { requester: { email: 'ken@example.com' }, subject: 'Help', body: 'Please', departmentId: 'help' };

test('express.json() before the API: the problem says to mount the API before the body parser', async () => {
  const call = await serve(
    (app, handler) => {
      app.use(express.json());
      app.use('/support/api', handler);
    },
    { basePath: '/support/api' },
  );
  const { status, problem } = await call('/support/api/tickets', intake);
  expect(status).toBe(500);
  expect(problem.code).toBe('INTERNAL_ERROR');
  expect(problem.detail).toContain('before express.json()');
  // A request without a body is not affected.
  expect((await call('/support/api/intake-schema')).status).toBe(200);
});

test('mounted under a prefix without basePath: the problem names the basePath to pass', async () => {
  const call = await serve((app, handler) => app.use('/support/api', handler), {});
  const { status, problem } = await call('/support/api/intake-schema');
  expect(status).toBe(500);
  expect(problem.detail).toContain("basePath: '/support/api'");
});

test('mounted at its basePath, or above it, after the app’s other middleware: it works', async () => {
  const call = await serve(
    (app, handler) => {
      app.use('/support', handler);
      app.use(express.json());
    },
    { basePath: '/support/api' },
  );
  expect((await call('/support/api/tickets', intake)).status).toBe(201);
});

test('a fetch handler under a prefix it was not told about: the 404 names the basePath to pass', async () => {
  const local = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  const api = createSupportApi(local, {});
  const missing = await api.fetch(new Request('http://app.test/support/api/tickets/123456/thread'));
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { detail: string }).detail).toContain("basePath: '/support/api'");
  // A path that ends with no route stays a plain 404.
  const unknown = await api.fetch(new Request('http://app.test/support/api/nothing-here'));
  expect(((await unknown.json()) as { detail: string }).detail).toBe('No route GET /support/api/nothing-here');
  const right = createSupportApi(local, { basePath: '/support/api' });
  expect((await right.fetch(new Request('http://app.test/support/api/intake-schema'))).status).toBe(200);
  await local.close();
});
