import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test } from 'vitest';

/**
 * What anonymous intake may make the desk store and serve: custom fields are
 * bounded (422 naming the field, nothing written), and lists carry ticket
 * summaries, so a ticket's fields never weigh on a queue page.
 */

async function setup() {
  const storage = memoryStorage();
  // Roomy limits for the list test: a host may allow large fields; lists must stay small anyway.
  const desk = await createHelpDesk({
    storage,
    logger: { warn() {}, error() {} },
    fieldLimits: { maxBytes: 200_000, maxStringLength: 100_000 },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    authenticate: (request) => (request.headers.get('x-agent') ? { type: 'agent', id: 'ann' } : null),
  });
  const call = async (method: string, path: string, body?: unknown, agent = false) => {
    const response = await api.fetch(
      new Request(`http://desk.test${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(agent ? { 'x-agent': '1' } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const intake = (fields: Record<string, unknown>, subject = 'Printer jam') =>
    call('POST', '/tickets', {
      requester: { email: 'ken@example.com' },
      subject,
      body: 'The printer on floor 3 jams.',
      departmentId: 'help',
      fields,
    });
  return { desk, storage, call, intake };
}

test('intake refuses unbounded custom fields with a 422 naming the field, and stores nothing', async () => {
  const { storage, intake } = await setup();
  const keys = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
  const refused = await intake(keys);
  expect(refused.status).toBe(422);
  expect(refused.json().code).toBe('VALIDATION_FAILED');
  expect(refused.json().errors).toEqual([
    { pointer: '/fields', path: ['fields'], message: 'must have at most 64 keys' },
  ]);
  const tooLong = await intake({ notes: 'x'.repeat(150_000) });
  expect(tooLong.status).toBe(422);
  expect(tooLong.json().errors).toEqual([
    { pointer: '/fields/notes', path: ['fields', 'notes'], message: 'must be at most 100000 characters' },
  ]);
  expect(storage.state.tickets.size).toBe(0);
});

test('a ticket with large fields gives a small queue page and small search results', async () => {
  const { call, intake } = await setup();
  const created = await intake({ notes: 'n'.repeat(90_000), plan: 'pro' }, 'Large fields');
  expect(created.status).toBe(201);
  const number = (created.json().ticket as { number: string }).number;

  const queue = await call('GET', '/queues/all?limit=100', undefined, true);
  expect(queue.status).toBe(200);
  expect(queue.text.length).toBeLessThan(2_000);
  const [row] = queue.json().items as Record<string, unknown>[];
  expect(row).toMatchObject({ number, subject: 'Large fields', status: 'open', priority: 'normal', version: 1 });
  expect(row).not.toHaveProperty('fields');
  for (const key of ['requester', 'departmentId', 'teamId', 'assigneeId', 'slaPlanId', 'slaState', 'createdAt']) {
    expect(row).toHaveProperty(key);
  }

  const search = await call('GET', '/search?q=large', undefined, true);
  expect(search.status).toBe(200);
  expect(search.text.length).toBeLessThan(2_000);
  expect((search.json().items as { number: string }[]).map((item) => item.number)).toEqual([number]);

  // The whole ticket, fields and all, is one request away.
  const full = await call('GET', `/tickets/${number}`, undefined, true);
  expect((full.json() as { fields: { plan: string } }).fields.plan).toBe('pro');
});
