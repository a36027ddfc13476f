import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test } from 'vitest';
import { apiCaller } from './support/call-api.js';

/**
 * The customer's ETag is derived from what the customer sees: internal
 * notes and assignments do not move it (they moved the version, showing the
 * customer activity they may not see), a public reply does. Agents keep the
 * version. If-Match checks each against its own validator.
 */

test('internal notes and assignments leave the customer’s ETag alone; a public reply moves it; agents see versions', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    authenticate: (request) => (request.headers.get('x-agent') ? { type: 'agent', id: 'ann' } : null),
  });
  const call = apiCaller(api);
  const opened = await call(
    'POST',
    '/tickets',
    {},
    { requester: { email: 'ken@example.com' }, subject: 'Hi', body: 'Help', departmentId: 'help' },
  );
  const { ticket, accessToken } = JSON.parse(opened.text) as { ticket: { number: string }; accessToken: string };
  const path = `/tickets/${ticket.number}`;
  const customer = { authorization: `Bearer ${accessToken}` };
  const agent = { 'x-agent': '1' };
  const customerETag = async () => (await call('GET', path, customer)).etag;

  const before = await customerETag();
  expect(before).toMatch(/^"[1-9]\d{11}"$/);
  expect((await call('GET', path, agent)).etag).toBe('"1"');

  expect((await call('POST', `${path}/notes`, agent, { body: 'Looks like fraud' })).status).toBe(200);
  expect((await call('POST', `${path}/assign`, agent, { agentId: 'ann' })).status).toBe(200);
  expect((await call('POST', `${path}/unassign`, agent)).status).toBe(200);
  expect(await customerETag(), 'a note and (un)assignments are not the customer’s to see').toBe(before);
  expect((await call('GET', path, agent)).etag, 'the agent’s version moved').toBe('"4"');

  // The customer's If-Match is checked against their own validator: still current after the note.
  const answered = await call(
    'POST',
    `${path}/replies`,
    { ...customer, 'if-match': before ?? '' },
    { body: 'Any news?' },
  );
  expect(answered.status, answered.text).toBe(200);
  expect(answered.etag).not.toBe(before);
  expect(answered.etag).toBe(await customerETag());

  // A public reply by the agent moves the customer's ETag; their stale If-Match is then a 409.
  const seen = await customerETag();
  expect((await call('POST', `${path}/replies`, agent, { body: 'We are on it.' })).status).toBe(200);
  const after = await customerETag();
  expect(after).not.toBe(seen);
  const stale = await call('POST', `${path}/replies`, { ...customer, 'if-match': seen ?? '' }, { body: 'Thanks' });
  expect([stale.status, JSON.parse(stale.text).code]).toEqual([409, 'CONFLICT']);
  expect(
    (await call('POST', `${path}/replies`, { ...customer, 'if-match': after ?? '' }, { body: 'Thanks' })).status,
  ).toBe(200);
  // An agent's version is no customer validator.
  expect((await call('POST', `${path}/replies`, { ...customer, 'if-match': '"7"' }, { body: 'Hm' })).status).toBe(409);
});
