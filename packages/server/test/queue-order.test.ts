import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, defaultSlaPolicy, manualClock } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { afterEach, expect, test } from 'vitest';

/**
 * `GET /queues/:name` over a SQLite desk: the work queues come most urgent
 * first (priority, then the next SLA due time, then the oldest) in keyset
 * pages; history-like queues newest first; a cursor of the other order is a
 * 422 naming `cursor`.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ticketkit-order-'));
  dirs.push(dir);
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    clock,
    sla: defaultSlaPolicy({
      plans: [
        { id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' },
        { id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' },
      ],
    }),
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, { authenticate: () => ({ type: 'agent', id: 'ann' }) });
  const get = async (path: string) => {
    const response = await api.fetch(new Request(`http://desk.test${path}`));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { desk, clock, get };
}

test('the open queue pages by priority, then SLA due time, then age; resolved is newest first', async () => {
  const { desk, clock, get } = await setup();
  const actor = { type: 'agent', id: 'ann' } as const;
  const open = async (subject: string, priority: 'low' | 'normal' | 'high' | 'urgent', slaPlanId: string | null) => {
    clock.advance('1m');
    const ticket = await desk.tickets.open(
      { requester: { email: 'ken@example.com' }, subject, body: 'Hello', departmentId: 'help', priority },
      { actor },
    );
    if (slaPlanId) await desk.tickets.update(ticket.id, { slaPlanId }, { actor });
    return ticket;
  };
  await open('normal, no plan', 'normal', null);
  await open('high, SEV C', 'high', 'sev-c');
  await open('normal, SEV A', 'normal', 'sev-a');
  await open('urgent, no plan', 'urgent', null);
  await open('high, SEV A', 'high', 'sev-a');
  await open('low, SEV A', 'low', 'sev-a');
  const solved = await open('solved first', 'urgent', null);
  await desk.tickets.resolve(solved.id, { resolutionNote: 'done' }, { actor });
  const later = await open('solved later', 'low', null);
  await desk.tickets.resolve(later.id, { resolutionNote: 'done' }, { actor });

  const subjects: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await get(`/queues/open?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    subjects.push(...(page.body.items as { subject: string }[]).map((ticket) => ticket.subject));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  expect(subjects).toEqual([
    'urgent, no plan',
    'high, SEV A',
    'high, SEV C',
    'normal, SEV A',
    'normal, no plan',
    'low, SEV A',
  ]);
  const resolved = await get('/queues/resolved');
  expect((resolved.body.items as { subject: string }[]).map((ticket) => ticket.subject)).toEqual([
    'solved later',
    'solved first',
  ]);

  const workCursor = (await get('/queues/open?limit=1')).body.nextCursor as string;
  const refused = await get(`/queues/resolved?cursor=${encodeURIComponent(workCursor)}`);
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: ['cursor'] }] });
});
