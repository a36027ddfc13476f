import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { type Actor, createHelpDesk, type HelpDesk } from '@ticketkit/core';
import { createSupportApi, type SupportApi } from '@ticketkit/server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openApiValidator } from './support/openapi-validator.js';
import { testSession } from './support/test-session.js';

/**
 * `GET /queues?by=department` and `GET /queues/:name?departmentId=` on a desk
 * with a SQLite file: each agent gets rows for their own departments only,
 * admins for all, the numbers are the tickets behind them, and every answer
 * matches the OpenAPI document.
 */

const ADMIN: Actor = { type: 'agent', id: 'root' };
let dir: string;
let desk: HelpDesk;
let api: SupportApi;
let validator: ReturnType<typeof openApiValidator>;
const disagreements: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ticketkit-queue-counts-'));
  desk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    logger: { warn() {}, error() {} },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['l2'] });
  await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
  const open = (subject: string, departmentId: string) =>
    desk.tickets.open(
      { requester: { email: 'ken@example.com' }, subject, body: 'Hello', departmentId },
      { actor: ADMIN },
    );
  await open('Password reset', 'help');
  const assigned = await open('Card blocked', 'help');
  await desk.tickets.assign(assigned.id, { agentId: 'ann' }, { actor: ADMIN });
  await open('App crashes', 'l2');
  const waiting = await open('Statement missing', 'billing');
  await desk.tickets.requestInfo(waiting.id, { body: 'Which month?' }, { actor: ADMIN });
  api = createSupportApi(desk, {
    authenticate: testSession,
    rateLimits: { intakePerIp: false, intakePerEmail: false },
  });
  validator = openApiValidator(api.openApiDocument() as Record<string, unknown>);
});

afterAll(async () => {
  await desk.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, session: string) {
  const response = await api.fetch(new Request(`http://desk.test${path}`, { headers: { 'x-test-session': session } }));
  const body = JSON.parse(await response.text());
  disagreements.push(...validator.check({ method: 'GET', path }, response, body));
  return { status: response.status, body };
}

const rows = (body: { departments: { id: string; name: string; counts: Record<string, number> }[] }) =>
  body.departments.map((row) => [row.id, row.name, row.counts.open, row.counts.awaiting_customer, row.counts.all]);

test('each agent counts their own departments; an admin every department, by name', async () => {
  const ann = await get('/queues?by=department', 'agent:ann');
  expect(ann.status).toBe(200);
  expect(rows(ann.body)).toEqual([['help', 'Help Desk', 2, 0, 2]]);
  expect(ann.body.total).toEqual((await get('/queues', 'agent:ann')).body);
  expect(ann.body.departments[0].counts.mine).toBe(1);
  expect(rows((await get('/queues?by=department', 'agent:winston')).body)).toEqual([
    ['l2', 'Level 2 Support', 1, 0, 1],
  ]);
  const root = await get('/queues?by=department', 'agent:root');
  expect(rows(root.body)).toEqual([
    ['billing', 'Billing', 0, 1, 1],
    ['help', 'Help Desk', 2, 0, 2],
    ['l2', 'Level 2 Support', 1, 0, 1],
  ]);
  expect(root.body.total.all).toBe(4);
  expect((await get('/queues?by=department', 'customer:ken@example.com')).status).toBe(403);
  expect(disagreements).toEqual([]);
});

test('a queue narrowed to a department lists the tickets behind its row', async () => {
  const subjects = async (path: string, session: string) =>
    (await get(path, session)).body.items.map((ticket: { subject: string }) => ticket.subject);
  expect(await subjects('/queues/open?departmentId=help', 'agent:root')).toEqual(['Password reset', 'Card blocked']);
  expect(await subjects('/queues/all?departmentId=l2', 'agent:winston')).toEqual(['App crashes']);
  expect(await subjects('/queues/mine?departmentId=help', 'agent:ann')).toEqual(['Card blocked']);
  expect(await subjects('/queues/awaiting_customer?departmentId=billing&limit=1', 'agent:root')).toEqual([
    'Statement missing',
  ]);
  const foreign = await get('/queues/open?departmentId=l2', 'agent:ann');
  expect([foreign.status, foreign.body.code]).toEqual([403, 'FORBIDDEN']);
  expect(disagreements).toEqual([]);
});

test('bad query values are 422 naming the parameter', async () => {
  const fields = (body: { errors?: { path: (string | number)[] }[] }) => body.errors?.map((error) => error.path);
  for (const [path, field] of [
    ['/queues?by=team', 'by'],
    ['/queues?by=department&by=department', 'by'],
    ['/queues/open?departmentId=nowhere', 'departmentId'],
    ['/queues/open?departmentId=..%2Fl2', 'departmentId'],
  ] as const) {
    const { status, body } = await get(path, 'agent:root');
    expect([path, status, fields(body)]).toEqual([path, 422, [[field]]]);
  }
  expect(disagreements).toEqual([]);
});
