import assert from 'node:assert/strict';
import { createHelpDesk } from '../desk/create-help-desk.js';
import type { HelpDesk } from '../desk/help-desk.js';
import { QUEUE_NAMES } from '../queues/queue-definitions.js';
import type { Actor } from '../schemas/actor.js';
import type { Ticket } from '../schemas/ticket.js';
import { manualClock } from '../time/clock.js';
import type { Case, StorageBackdoor } from './conformance-support.js';

/**
 * Per-department queue counts through `createHelpDesk`: every cell must
 * equal the length of the department's queue list, and the tickets as the
 * backdoor reads them, before and after a transfer moves a ticket between
 * departments.
 */

const actors = {
  isabella: { type: 'agent', id: 'isabella' },
  winston: { type: 'agent', id: 'winston' },
  admin: { type: 'agent', id: 'admin' },
  system: { type: 'system' },
} as const satisfies Record<string, Actor>;

async function threeDepartmentDesk(adapter: Parameters<Case>[0]['adapter']) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({ storage: adapter, clock });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  const agent = (id: string, departmentIds: string[], role: 'agent' | 'admin' = 'agent') =>
    desk.agents.upsert({ id, name: id, email: `${id}@bank.test`, departmentIds, role });
  await agent('isabella', ['help']);
  await agent('winston', ['l2']);
  await agent('admin', [], 'admin');
  const tickets: Ticket[] = [];
  for (let index = 0; index < 12; index++) {
    clock.advance('1m');
    const ticket = await desk.tickets.open(
      {
        requester: { email: `customer${index % 3}@example.com` },
        subject: `Ticket ${index}`,
        body: 'Hello',
        departmentId: ['help', 'l2', 'billing'][index % 3] as string,
      },
      { actor: actors.admin },
    );
    const agentId = ticket.departmentId === 'l2' ? 'winston' : 'isabella';
    if (index % 4 === 1 && ticket.departmentId !== 'billing') {
      await desk.tickets.assign(ticket.id, { agentId }, { actor: actors.admin });
    }
    if (index % 5 === 2) await desk.tickets.requestInfo(ticket.id, { body: '?' }, { actor: actors.admin });
    if (index % 6 === 3) await desk.tickets.resolve(ticket.id, { resolutionNote: 'done' }, { actor: actors.admin });
    tickets.push(ticket);
  }
  return { desk, ids: tickets.map((ticket) => ticket.id) };
}

async function listLength(desk: HelpDesk, name: (typeof QUEUE_NAMES)[number], actor: Actor, departmentId: string) {
  let length = 0;
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await desk.queues.list(name, { actor, departmentId, limit: 2, cursor });
    length += page.items.length;
    for (const item of page.items) assert.equal(item.departmentId, departmentId, `${name} lists only ${departmentId}`);
    cursor = page.nextCursor;
    if (!cursor) return length;
  }
  throw new Error('pagination did not end after 100 pages');
}

/** Every cell of every actor's counts against the department's list, and `total` against `counts`. */
async function expectCountsMatchLists(desk: HelpDesk, expectedDepartments: Record<keyof typeof actors, string[]>) {
  for (const [key, actor] of Object.entries(actors) as [keyof typeof actors, Actor][]) {
    const byDepartment = await desk.queues.countsByDepartment({ actor });
    assert.deepEqual(byDepartment.total, await desk.queues.counts({ actor }), `${key}: total is counts()`);
    assert.deepEqual(
      byDepartment.departments.map((department) => department.id),
      expectedDepartments[key],
      `${key} sees these departments, by name`,
    );
    for (const department of byDepartment.departments) {
      for (const name of QUEUE_NAMES) {
        const expected =
          actor.type === 'system' && name === 'mine' ? 0 : await listLength(desk, name, actor, department.id);
        assert.equal(department.counts[name], expected, `${key}: ${name} in ${department.id}`);
      }
    }
  }
}

/** Open and in-progress tickets per department, as the backdoor reads them. */
async function openByDepartment(backdoor: StorageBackdoor, ids: string[]) {
  const counts: Record<string, number> = { billing: 0, help: 0, l2: 0 };
  for (const id of ids) {
    const ticket = await backdoor.ticket(id);
    assert.ok(ticket);
    if (ticket.status === 'open' || ticket.status === 'in_progress')
      counts[ticket.departmentId] = (counts[ticket.departmentId] ?? 0) + 1;
  }
  return counts;
}

export const queueCountCases: Record<string, Case> = {
  async 'desk: per-department queue counts equal each department’s lists and follow a transfer'({ adapter, backdoor }) {
    const { desk, ids } = await threeDepartmentDesk(adapter);
    const seen = {
      isabella: ['help'],
      winston: ['l2'],
      admin: ['billing', 'help', 'l2'],
      system: ['billing', 'help', 'l2'],
    };
    await expectCountsMatchLists(desk, seen);
    const openIn = async () =>
      Object.fromEntries(
        (await desk.queues.countsByDepartment({ actor: actors.admin })).departments.map((row) => [
          row.id,
          row.counts.open,
        ]),
      );
    assert.deepEqual(await openIn(), await openByDepartment(backdoor, ids));

    const moved = ids[0] as string; // Ticket 0: open in help, unassigned.
    const before = await openIn();
    await desk.tickets.transfer(moved, { departmentId: 'l2', note: 'Needs Level 2' }, { actor: actors.isabella });
    const after = await openIn();
    assert.equal(after.help, (before.help ?? 0) - 1, 'the transferred ticket left help');
    assert.equal(after.l2, (before.l2 ?? 0) + 1, 'and arrived in l2');
    assert.deepEqual(after, await openByDepartment(backdoor, ids));
    await expectCountsMatchLists(desk, seen);
  },
};
