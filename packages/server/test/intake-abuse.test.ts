import { createHelpDesk, manualClock, memoryStorage } from '@ticketkit/core';
import { createSupportApi, type SupportApiOptions } from '@ticketkit/server';
import { expect, test } from 'vitest';

/**
 * Intake against abuse by others: the per-email limit counts only tickets
 * the desk opened (nobody locks a customer out with bad requests in their
 * name, and retries are free); idempotency keys are random, scoped to the
 * caller, and never hand another caller a token; a retry after the token was
 * revoked or expired does not hand it out again.
 */

const URL_BASE = 'http://desk.test';
const KEY = '9b2f7c1e-4d3a-4c8e-b5f6-0a1d2e3f4a5b';
const form = {
  requester: { email: 'ken@example.com' },
  subject: 'Card blocked',
  body: 'Please help',
  departmentId: 'help',
};

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown> & { ticket?: { number: string }; accessToken?: string; code?: string };
}

async function setup(options: SupportApiOptions = {}) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({ storage: memoryStorage(), clock, logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    // The host's session: x-customer names a signed-in customer, x-agent the agent Ann.
    authenticate: (request) => {
      const customer = request.headers.get('x-customer');
      if (customer) return { type: 'customer', email: customer };
      return request.headers.get('x-agent') ? { type: 'agent', id: 'ann' } : null;
    },
    rateLimits: { intakePerIp: false },
    ...options,
  });
  const intake = async (body: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await api.fetch(
      new Request(`${URL_BASE}/tickets`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) };
  };
  const tickets = async () => (await desk.queues.counts({ actor: { type: 'agent', id: 'ann' } })).all;
  return { desk, clock, intake, tickets };
}

test('the per-email limit counts only tickets the desk opened: refused requests and retries are free', async () => {
  const { intake, tickets } = await setup({
    rateLimits: { intakePerIp: false, intakePerEmail: { limit: 2, window: '1h' } },
  });
  // Someone else sends ten bad requests naming Ken: invalid, an unknown department, a bot in the honeypot,
  // a key reused for another body.
  const bad = [
    { ...form, subject: '' },
    { ...form, departmentId: 'nowhere' },
    { ...form, website: 'http://spam.test' },
    { ...form, priority: 'whenever' },
  ];
  for (let index = 0; index < 10; index++) {
    const answer = await intake(bad[index % bad.length]);
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
    expect(answer.status).not.toBe(429);
  }
  // Ken's own request opens his ticket; its retries (a lost answer, a double click) cost nothing.
  const first = await intake(form, { 'idempotency-key': KEY });
  expect(first.status, first.text).toBe(201);
  for (let retry = 0; retry < 5; retry++) {
    const again = await intake(form, { 'idempotency-key': KEY });
    expect([again.status, again.json.ticket?.number]).toEqual([201, first.json.ticket?.number]);
  }
  expect((await intake({ ...form, subject: 'Second' })).status).toBe(201);
  // Two tickets opened: the limit is reached now, and only now.
  const third = await intake({ ...form, subject: 'Third' });
  expect([third.status, third.json.code]).toEqual([429, 'RATE_LIMITED']);
  expect(await tickets()).toBe(2);
});

test('idempotency keys must look random: 16 to 255 characters of a URL-safe or base64 alphabet', async () => {
  const { intake, tickets } = await setup();
  for (const key of [
    '1',
    'retry-1',
    'abcdefghijklmno',
    'has spaces in it 12345',
    'ümlaut-ümlaut-ümlaut',
    'x'.repeat(256),
  ]) {
    const refused = await intake(form, { 'idempotency-key': key });
    expect([refused.status, refused.json.code], key).toEqual([422, 'VALIDATION_FAILED']);
    expect(refused.json.errors).toEqual([
      { pointer: '', path: ['Idempotency-Key'], message: expect.stringContaining('16 to 255') },
    ]);
  }
  const inBody = await intake({ ...form, idempotencyKey: 'short' });
  expect([inBody.status, inBody.json.errors]).toEqual([
    422,
    [{ pointer: '/idempotencyKey', path: ['idempotencyKey'], message: expect.stringContaining('16 to 255') }],
  ]);
  for (const key of [KEY, 'dGhpcyBpcyByYW5kb20gZW5vdWdo', 'Zk3_-x.~AbCdEf+/=0123', 'a'.repeat(255)]) {
    expect((await intake(form, { 'idempotency-key': key })).status, key).toBe(201);
  }
  expect(await tickets()).toBe(4);
});

test('a key is the caller’s own: another caller with the same key and body opens a new ticket and gets no token of the first', async () => {
  const keyed = { 'idempotency-key': KEY };
  for (const other of [
    { body: form, headers: keyed },
    { body: form, headers: { ...keyed, 'x-agent': '1' } },
    { body: { ...form, requester: undefined }, headers: { ...keyed, 'x-customer': 'karen@example.com' } },
  ]) {
    const { intake, tickets } = await setup();
    // Ken, signed in, opens a ticket with a key; his own retry gets his answer.
    const ken = await intake(form, { ...keyed, 'x-customer': 'ken@example.com' });
    expect(ken.status).toBe(201);
    expect((await intake(form, { ...keyed, 'x-customer': 'ken@example.com' })).text, 'his own retry').toBe(ken.text);
    // The same key and body from someone else (anonymously naming Ken, an agent, another customer).
    const answer = await intake(other.body, other.headers);
    expect(answer.status, answer.text).toBe(201);
    expect(answer.json.ticket?.number).not.toBe(ken.json.ticket?.number);
    expect(answer.json.accessToken).not.toBe(ken.json.accessToken);
    expect(await tickets()).toBe(2);
  }
});

test('probing an address with a key tells nothing: another body answers as a fresh key would', async () => {
  const { intake, tickets } = await setup();
  const keyed = { 'idempotency-key': KEY };
  expect((await intake(form, { ...keyed, 'x-customer': 'ken@example.com' })).status).toBe(201);
  // Before: 422 IDEMPOTENCY_MISMATCH here told that ken@example.com had used this key.
  const probe = await intake({ ...form, body: 'Something else' }, keyed);
  expect(probe.status, probe.text).toBe(201);
  expect(await tickets()).toBe(2);
  // Anonymous intake's own retries still find their ticket (the key is the secret the form holds), and its own
  // key reused for another body is refused without naming anything but the header.
  expect((await intake({ ...form, body: 'Something else' }, keyed)).text).toBe(probe.text);
  const mismatch = await intake({ ...form, body: 'A third text' }, keyed);
  expect([mismatch.status, mismatch.json.code]).toEqual([422, 'IDEMPOTENCY_MISMATCH']);
  expect(mismatch.json.detail).toBe(
    'The Idempotency-Key was already used for a different request: use a new key for a new ticket',
  );
  expect(await tickets()).toBe(2);
});

test('a retry after the token was revoked, or has expired, is refused (409 ACCESS_REVOKED) and says nothing of the ticket', async () => {
  const { desk, clock, intake, tickets } = await setup({ customerTokens: { expiresIn: '1h' } });
  const keyed = { 'idempotency-key': KEY };
  const first = await intake(form, keyed);
  expect(first.status).toBe(201);
  await desk.accessTokens.revoke(first.json.ticket?.number ?? '', { actor: { type: 'agent', id: 'ann' } });
  const replay = await intake(form, keyed);
  expect([replay.status, replay.json.code]).toEqual([409, 'ACCESS_REVOKED']);
  expect(replay.text).not.toContain(first.json.accessToken);
  expect(replay.text).not.toContain(first.json.ticket?.number);
  expect(await tickets(), 'nor is a new ticket opened').toBe(1);

  const other = { 'idempotency-key': `${KEY}-2` };
  const second = await intake({ ...form, subject: 'Other' }, other);
  expect((await intake({ ...form, subject: 'Other' }, other)).text, 'a retry within the hour').toBe(second.text);
  clock.advance('61m');
  const expired = await intake({ ...form, subject: 'Other' }, other);
  expect([expired.status, expired.json.code]).toEqual([409, 'ACCESS_REVOKED']);
  expect(expired.text).not.toContain(second.json.accessToken);
});
