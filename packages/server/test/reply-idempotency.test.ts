import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, memoryStorage, type StorageAdapter } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, onTestFinished, test } from 'vitest';
import { apiCaller } from './support/call-api.js';

/**
 * `Idempotency-Key` on replies and notes: a retry of a request whose answer
 * was lost writes nothing and gets the ticket; the key is checked with the
 * API's rule and scoped to the caller, as for `POST /tickets`.
 */

async function deskWithApi(storage: StorageAdapter = memoryStorage()) {
  const desk = await createHelpDesk({ storage, logger: { warn() {}, error() {} } });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    authenticate: (request) => {
      const agent = request.headers.get('x-agent');
      return agent ? { type: 'agent', id: agent } : null;
    },
  });
  const call = apiCaller(api);
  const opened = await call(
    'POST',
    '/tickets',
    {},
    { requester: { email: 'ken@example.com' }, subject: 'Card blocked', body: 'Help', departmentId: 'help' },
  );
  const { ticket, accessToken } = opened.json as { ticket: { id: string; number: string }; accessToken: string };
  const thread = async () =>
    (await desk.tickets.thread(ticket.id, { actor: { type: 'agent', id: 'ann' } })).map((entry) => [
      entry.kind,
      entry.body,
    ]);
  return {
    desk,
    call,
    ticket,
    path: `/tickets/${ticket.number}`,
    customer: { authorization: `Bearer ${accessToken}` },
    thread,
  };
}

const ann = { 'x-agent': 'ann' };
const KEY = '6f1c3a0e-2b7d-4c55-9a1e-0d2f4b8c7e91';

test('an agent’s reply retried with its Idempotency-Key is written once and answered the same', async () => {
  const { call, path, thread } = await deskWithApi();
  const first = await call('POST', `${path}/replies`, { ...ann, 'idempotency-key': KEY }, { body: 'On it.' });
  expect(first.status, first.text).toBe(200);
  const again = await call('POST', `${path}/replies`, { ...ann, 'idempotency-key': KEY }, { body: 'On it.' });
  expect([again.status, again.json, again.etag]).toEqual([200, first.json, first.etag]);
  expect(await thread()).toEqual([
    ['message', 'Help'],
    ['reply', 'On it.'],
  ]);

  const other = await call('POST', `${path}/replies`, { ...ann, 'idempotency-key': KEY }, { body: 'Something else' });
  expect([other.status, other.json.code, other.json.detail]).toEqual([
    422,
    'IDEMPOTENCY_MISMATCH',
    'The Idempotency-Key was already used for a different request: use a new key for a new reply',
  ]);
  // Another agent's identical key is their own request.
  const bobs = await call('POST', `${path}/replies`, { 'x-agent': 'bob', 'idempotency-key': KEY }, { body: 'On it.' });
  expect(bobs.status).toBe(200);
  expect((await thread()).length).toBe(3);
});

test('a note’s key may come in the body; a bad or contradicting key is refused naming it, with nothing written', async () => {
  const { call, path, thread } = await deskWithApi();
  const note = { body: 'Checked the card system', idempotencyKey: KEY };
  expect((await call('POST', `${path}/notes`, ann, note)).status).toBe(200);
  expect((await call('POST', `${path}/notes`, { ...ann, 'idempotency-key': KEY }, note)).status).toBe(200);
  expect((await thread()).filter(([kind]) => kind === 'note')).toEqual([['note', 'Checked the card system']]);

  const short = await call('POST', `${path}/notes`, { ...ann, 'idempotency-key': 'short' }, { body: 'x' });
  expect([short.status, short.json.errors.map((error: { path: string[] }) => error.path)]).toEqual([
    422,
    [['Idempotency-Key']],
  ]);
  const inBody = await call('POST', `${path}/replies`, ann, { body: ' ', idempotencyKey: 'short' });
  expect(inBody.status).toBe(422);
  expect(inBody.json.errors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
    'body',
    'idempotencyKey',
  ]);
  const contradicting = await call(
    'POST',
    `${path}/replies`,
    { ...ann, 'idempotency-key': KEY },
    { body: 'Hi', idempotencyKey: `${KEY}-2` },
  );
  expect([contradicting.status, contradicting.json.errors[0].path]).toEqual([422, ['idempotencyKey']]);
  // Commands that take no key refuse one as an unknown field.
  const requestInfo = await call('POST', `${path}/request-info`, ann, { body: 'Which card?', idempotencyKey: KEY });
  expect(requestInfo.status).toBe(422);
  expect((await thread()).length).toBe(2);
});

test.each(['memory', 'sqlite'])(
  'a customer’s retry with its stale If-Match is answered from the key; without a key it is still a 409 (%s)',
  async (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-reply-key-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const { call, path, customer, thread } = await deskWithApi(
      kind === 'sqlite' ? sqliteStorage({ filename: join(dir, 'desk.db') }) : memoryStorage(),
    );
    const etag = (await call('GET', path, customer)).etag ?? '';
    const headers = { ...customer, 'if-match': etag, 'idempotency-key': KEY };
    const first = await call('POST', `${path}/replies`, headers, { body: 'Any news?' });
    expect(first.status, first.text).toBe(200);
    // The answer was lost: the widget sends the same request again, with the ETag it had.
    const again = await call('POST', `${path}/replies`, headers, { body: 'Any news?' });
    expect([again.status, again.json, again.etag]).toEqual([200, first.json, first.etag]);
    const fresh = await call('POST', `${path}/replies`, { ...customer, 'if-match': etag }, { body: 'Any news?' });
    expect([fresh.status, fresh.json.code]).toEqual([409, 'CONFLICT']);
    expect(fresh.json.detail).not.toMatch(/version/);
    // A new key with the stale ETag is a new request on a stale view: refused the same way.
    const stale = await call(
      'POST',
      `${path}/replies`,
      { ...headers, 'idempotency-key': `${KEY}-new` },
      { body: 'Any news?' },
    );
    expect([stale.status, stale.json.code, stale.json.detail]).toEqual([409, 'CONFLICT', fresh.json.detail]);
    expect(await thread()).toEqual([
      ['message', 'Help'],
      ['message', 'Any news?'],
    ]);
  },
);
