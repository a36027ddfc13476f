import { expect, test } from 'vitest';
import { type Actor, isTicketkitError, type Page, QUEUE_NAMES, type Ticket, type TicketSummary } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

async function pageThrough(fetch: (cursor: string | null) => Promise<Page<TicketSummary>>): Promise<string[]> {
  const numbers: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<TicketSummary> = await fetch(cursor);
    numbers.push(...page.items.map((ticket) => ticket.number));
    cursor = page.nextCursor;
  } while (cursor);
  return numbers;
}

async function populate() {
  const context = await createTestDesk();
  const { desk, clock, open } = context;
  const made: Record<string, Ticket> = {};
  const step = async (name: string, ticket: Ticket) => {
    made[name] = ticket;
    clock.advance('1m');
  };
  await step('fresh', await open({ subject: 'Fresh question' }));
  await step(
    'mineOpen',
    await desk.tickets.assign(
      (await open({ subject: 'Assigned to Ann' })).id,
      { agentId: 'ann' },
      { actor: actors.ann },
    ),
  );
  const working = await open({ subject: 'Ann works on it' });
  await desk.tickets.assign(working.id, { agentId: 'ann' }, { actor: actors.ann });
  await step('working', await desk.tickets.startWork(working.id, {}, { actor: actors.ann }));
  const waiting = await open({ subject: 'Needs the customer' });
  await step('waiting', await desk.tickets.requestInfo(waiting.id, { body: 'Which card?' }, { actor: actors.ann }));
  const teamHeld = await open({ subject: 'Team queue' });
  await step('team', await desk.tickets.assign(teamHeld.id, { teamId: 'help-team' }, { actor: actors.bob }));
  const solved = await open({ subject: 'Solved problem' });
  await step('resolved', await desk.tickets.resolve(solved.id, { resolutionNote: 'ok' }, { actor: actors.ann }));
  const done = await open({ subject: 'Done and dusted' });
  await desk.tickets.resolve(done.id, { resolutionNote: 'ok' }, { actor: actors.ann });
  await step('closed', await desk.tickets.confirmResolution(done.id, {}, { actor: actors.ken }));
  await step('level2', await open({ subject: 'Level 2 crash', departmentId: 'l2' }, actors.karen));
  return { ...context, made };
}

test('each queue lists what it promises, in its order, scoped to the agent', async () => {
  const { desk, made } = await populate();
  const list = async (name: (typeof QUEUE_NAMES)[number], actor: Actor = actors.ann) =>
    (await desk.queues.list(name, { actor })).items.map((ticket) => ticket.subject);
  const n = (name: string) => made[name]?.subject;
  expect(await list('open')).toEqual([n('fresh'), n('mineOpen'), n('working'), n('team')]);
  expect(await list('mine')).toEqual([n('mineOpen'), n('working')]);
  expect(await list('unassigned')).toEqual([n('fresh'), n('waiting')]);
  expect(await list('awaiting_customer')).toEqual([n('waiting')]);
  expect(await list('resolved')).toEqual([n('resolved')]);
  expect(await list('closed')).toEqual([n('closed')]);
  expect(await list('overdue')).toEqual([]);
  expect(await list('all')).toEqual([
    n('closed'),
    n('resolved'),
    n('team'),
    n('waiting'),
    n('working'),
    n('mineOpen'),
    n('fresh'),
  ]);
  expect(await list('open', actors.winston)).toEqual([n('level2')]);
  expect(await list('all', actors.root)).toHaveLength(8);
  expect(await list('mine', actors.ken)).toEqual([
    n('closed'),
    n('resolved'),
    n('team'),
    n('waiting'),
    n('working'),
    n('mineOpen'),
    n('fresh'),
  ]);
  expect(await list('mine', actors.karen)).toEqual([n('level2')]);
});

test('counts agree with the lists for every queue and agent', async () => {
  const { desk } = await populate();
  for (const actor of [actors.ann, actors.winston, actors.root]) {
    const counts = await desk.queues.counts({ actor });
    for (const name of QUEUE_NAMES) {
      const listed = await pageThrough((cursor) => desk.queues.list(name, { actor, limit: 2, cursor }));
      expect(counts[name], `${name} for ${actor.id}`).toBe(listed.length);
    }
  }
  expect(await desk.queues.counts({ actor: actors.system })).toMatchObject({ mine: 0, all: 8 });
});

test('counts by department: each agent sees their departments, admins and the system all, by name', async () => {
  const { desk, made } = await populate();
  const rows = async (actor: Actor) =>
    (await desk.queues.countsByDepartment({ actor })).departments.map((row) => [row.id, row.name, row.counts.open]);
  expect(await rows(actors.ann)).toEqual([['help', 'Help Desk', 4]]);
  expect(await rows(actors.winston)).toEqual([['l2', 'Level 2 Support', 1]]);
  expect(await rows(actors.root)).toEqual([
    ['help', 'Help Desk', 4],
    ['l2', 'Level 2 Support', 1],
  ]);
  expect(await rows(actors.system)).toEqual(await rows(actors.root));
  const ann = await desk.queues.countsByDepartment({ actor: actors.ann });
  expect(ann.total).toEqual(await desk.queues.counts({ actor: actors.ann }));
  expect(ann.departments[0]?.counts).toEqual({
    open: 4,
    mine: 2,
    unassigned: 2,
    overdue: 0,
    awaiting_customer: 1,
    resolved: 1,
    closed: 1,
    all: 7,
  });
  // Ann moves to Level 2: her two Help Desk tickets stay hers (total `mine`), but no row of hers holds them.
  const annProfile = { id: 'ann', name: 'Ann', email: 'ann@bank.test' };
  await desk.agents.upsert({ ...annProfile, departmentIds: ['l2'] });
  const moved = await desk.queues.countsByDepartment({ actor: actors.ann });
  expect([moved.total.mine, moved.departments.map((row) => [row.id, row.counts.mine])]).toEqual([2, [['l2', 0]]]);
  await desk.agents.upsert({ ...annProfile, departmentIds: ['help'] });
  // Two of Help Desk's open tickets are transferred to Level 2.
  await desk.tickets.transfer(made.mineOpen?.id ?? '', { departmentId: 'l2', agentId: 'root' }, { actor: actors.ann });
  await desk.tickets.transfer(made.working?.id ?? '', { departmentId: 'l2' }, { actor: actors.root });
  const after = await desk.queues.countsByDepartment({ actor: actors.ann });
  expect([after.total.open, after.departments[0]?.counts.open]).toEqual([2, 2]);
  expect(await rows(actors.winston)).toEqual([['l2', 'Level 2 Support', 3]]);
  expect(await codeOf(() => desk.queues.countsByDepartment({ actor: actors.ken }))).toBe('FORBIDDEN');
});

test('a queue narrowed to a department: only its tickets, only a department the agent works in', async () => {
  const { desk, made } = await populate();
  const subjects = async (name: (typeof QUEUE_NAMES)[number], actor: Actor, departmentId: string) =>
    (await desk.queues.list(name, { actor, departmentId })).items.map((ticket) => ticket.subject);
  expect(await subjects('open', actors.root, 'l2')).toEqual([made.level2?.subject]);
  expect(await subjects('open', actors.root, 'help')).toHaveLength(4);
  expect(await subjects('mine', actors.ann, 'help')).toEqual([made.mineOpen?.subject, made.working?.subject]);
  expect(await subjects('all', actors.system, 'l2')).toEqual([made.level2?.subject]);
  expect(await codeOf(() => subjects('open', actors.ann, 'l2'))).toBe('FORBIDDEN');
  expect(await codeOf(() => subjects('mine', actors.ken, 'help'))).toBe('FORBIDDEN');
  const unknown = await desk.queues.list('open', { actor: actors.root, departmentId: 'nowhere' }).catch((e) => e);
  expect(isTicketkitError(unknown, 'VALIDATION_FAILED') && unknown.issues.map((issue) => issue.path)).toEqual([
    ['departmentId'],
  ]);
  const malformed = await desk.queues.list('open', { actor: actors.root, departmentId: '../l2' }).catch((e) => e);
  expect(isTicketkitError(malformed, 'VALIDATION_FAILED') && malformed.issues[0]?.path).toEqual([
    'options',
    'departmentId',
  ]);
});

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => 'OK',
    (error: unknown) => (isTicketkitError(error) ? error.code : `UNEXPECTED ${String(error)}`),
  );
}

test('cursor pagination walks a queue without gaps or repeats', async () => {
  const { desk, clock, open } = await createTestDesk();
  const numbers: string[] = [];
  for (let index = 0; index < 23; index++) {
    numbers.push((await open({ subject: `Ticket ${index}` })).number);
    if (index % 4) clock.advance('1s');
  }
  for (const limit of [1, 5, 23, 100]) {
    expect(await pageThrough((cursor) => desk.queues.list('open', { actor: actors.ann, limit, cursor }))).toEqual(
      numbers,
    );
  }
  const last = await desk.queues.list('open', { actor: actors.ann, limit: 23 });
  expect(last.nextCursor).toBeNull();
});

test('search ranks subject matches first, respects departments, and refuses customers', async () => {
  const { desk, made } = await populate();
  await desk.tickets.note(
    made.fresh?.id ?? '',
    { body: 'The customer mentioned a crash on login' },
    { actor: actors.ann },
  );
  const ann = await desk.tickets.search('crash', { actor: actors.ann });
  expect(ann.items.map((ticket) => ticket.subject)).toEqual(['Fresh question']);
  const root = await desk.tickets.search('crash', { actor: actors.root });
  expect(root.items.map((ticket) => ticket.subject)).toEqual(['Level 2 crash', 'Fresh question']);
  const byNumber = await desk.tickets.search(made.waiting?.number ?? '', { actor: actors.ann });
  expect(byNumber.items.map((ticket) => ticket.id)).toEqual([made.waiting?.id]);
  const everything = await pageThrough((cursor) =>
    desk.tickets.search('cannot', { actor: actors.root, limit: 3, cursor }),
  );
  expect(everything).toHaveLength(8);
  expect(new Set(everything).size).toBe(8);
});

test('work queues list the most urgent first: priority, then the SLA due next, then the oldest', async () => {
  const { desk, clock, open } = await createTestDesk();
  const make = async (subject: string, priority: Ticket['priority'], slaPlanId: string | null) => {
    clock.advance('1m');
    const ticket = await open({ subject, priority, requester: { email: 'ken@example.com' } }, actors.root);
    return slaPlanId ? desk.tickets.update(ticket.id, { slaPlanId }, { actor: actors.root }) : ticket;
  };
  await make('normal, no plan', 'normal', null);
  await make('normal, SEV C', 'normal', 'pausing'); // first response due 17:02
  const sevA = await make('normal, SEV A', 'normal', 'running'); // first response due 10:03
  await make('high, no plan', 'high', null);
  await make('low, SEV A', 'low', 'running');
  const subjects = async (name: 'open' | 'overdue' | 'unassigned') =>
    (await desk.queues.list(name, { actor: actors.ann })).items.map((ticket) => ticket.subject);
  expect(await subjects('open')).toEqual([
    'high, no plan',
    'normal, SEV A',
    'normal, SEV C',
    'normal, no plan',
    'low, SEV A',
  ]);
  // Answered: its resolution (due 17:03) is what is due now, after SEV C's first response.
  await desk.tickets.reply(sevA.id, { body: 'On it.' }, { actor: actors.ann });
  expect(await subjects('open')).toEqual([
    'high, no plan',
    'normal, SEV C',
    'normal, SEV A',
    'normal, no plan',
    'low, SEV A',
  ]);
  // Two hours on, the low ticket's first response has breached: overdue, and still last by priority.
  clock.advance('2h');
  await desk.scheduler.runOnce();
  expect(await subjects('overdue')).toEqual(['low, SEV A']);
  expect((await subjects('unassigned')).at(-1)).toBe('low, SEV A');
  await desk.tickets.update(sevA.id, { priority: 'urgent' }, { actor: actors.ann });
  expect((await subjects('open'))[0]).toBe('normal, SEV A');
});
