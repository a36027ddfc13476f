import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test } from 'vitest';
import { apiCaller } from './support/call-api.js';

/**
 * A host whose own sessions use the `Authorization` header (Basic, or its
 * own Bearer session tokens): `authenticate` runs first and its principal
 * wins; only when it returns null is a Bearer token a ticketkit access token.
 */

async function setup() {
  const desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    // The host's sessions: Basic for customers (ken:pw), its own Bearer session ids for agents.
    authenticate: (request) => {
      const header = request.headers.get('authorization');
      if (header === `Basic ${btoa('ken@example.com:pw')}`) return { type: 'customer', email: 'ken@example.com' };
      if (header === 'Bearer host-session.ann.0042') return { type: 'agent', id: 'ann' };
      return null;
    },
  });
  const call = apiCaller(api);
  return { desk, call };
}

test('a host’s Basic session is the customer authenticate says, not a 401', async () => {
  const { call } = await setup();
  const basic = { authorization: `Basic ${btoa('ken@example.com:pw')}` };
  const opened = await call('POST', '/tickets', basic, { subject: 'Hi', body: 'Help', departmentId: 'help' });
  expect(opened.status, opened.text).toBe(201);
  const mine = await call('GET', '/me/tickets', basic);
  expect(mine.status, mine.text).toBe(200);
  expect((mine.json.items as unknown[]).length).toBe(1);
  // Basic credentials authenticate does not know are the host's business: anonymous, not a token error.
  const unknown = await call('GET', '/me/tickets', { authorization: `Basic ${btoa('eve:guess')}` });
  expect([unknown.status, unknown.json.code, unknown.headers.get('www-authenticate')]).toEqual([
    401,
    'UNAUTHENTICATED',
    'Bearer',
  ]);
});

test('a host’s Bearer session is the agent authenticate says; a Bearer it does not know is a ticketkit token or a 401', async () => {
  const { call } = await setup();
  const host = { authorization: 'Bearer host-session.ann.0042' };
  const queues = await call('GET', '/queues', host);
  expect(queues.status, queues.text).toBe(200);
  const opened = await call(
    'POST',
    '/tickets',
    {},
    { requester: { email: 'ken@example.com' }, subject: 'Hi', body: 'Help', departmentId: 'help' },
  );
  const { ticket, accessToken } = opened.json as { ticket: { number: string }; accessToken: string };
  const note = await call('POST', `/tickets/${ticket.number}/notes`, host, { body: 'Seen' });
  expect(note.status, note.text).toBe(200);
  // authenticate returns null: the Bearer is a ticketkit access token, and still works as one.
  expect((await call('GET', `/tickets/${ticket.number}`, { authorization: `Bearer ${accessToken}` })).status).toBe(200);
  const expired = await call('GET', '/queues', { authorization: 'Bearer host-session.ann.0041' });
  expect([expired.status, expired.headers.get('www-authenticate')]).toEqual([401, 'Bearer error="invalid_token"']);
});

test('Basic credentials a browser sends on its own do not exempt a cookie-authenticated change from the CSRF check', async () => {
  const { call } = await setup();
  const forged = await call(
    'POST',
    '/tickets',
    { authorization: `Basic ${btoa('ken@example.com:pw')}`, cookie: 'session=1', origin: 'https://evil.test' },
    { subject: 'Hi', body: 'Help', departmentId: 'help' },
  );
  expect([forged.status, forged.json.code]).toEqual([403, 'CSRF_REJECTED']);
});
