import { describe, expect, test } from 'vitest';
import { type HelpDesk, isTicketkitError, type TicketkitError } from '../src/index.js';
import { actors, createTestDesk, storageSnapshot } from './support/test-desk.js';

/**
 * Every command and query, fed missing, wrong-typed, oversized and hostile
 * values field by field: each is refused with VALIDATION_FAILED naming the
 * field, and storage is byte-for-byte unchanged afterwards.
 */

const MEGABYTE = 'x'.repeat(1_048_576);
const deeplyNested = () => {
  let value: Record<string, unknown> = { leaf: true };
  for (let depth = 0; depth < 40; depth++) value = { nested: value };
  return value;
};

type Kind = 'single' | 'multi' | 'id' | 'email' | 'enum' | 'int' | 'bool' | 'record' | 'key' | 'boolean-flag';

const BAD_VALUES: Record<Kind, () => unknown[]> = {
  single: () => [
    42,
    true,
    null,
    {},
    [],
    '',
    '   ',
    MEGABYTE,
    'nul\u0000byte',
    'bell\u0007',
    'two\r\nlines',
    'lone \uD800 surrogate',
    'sep\u2028arator',
  ],
  multi: () => [
    42,
    false,
    null,
    {},
    ['a'],
    '',
    ' \n\t ',
    MEGABYTE,
    'nul\u0000byte',
    'escape\u001b[31m',
    'lone \uDC00 surrogate',
  ],
  id: () => [42, {}, '', 'has space', '../../etc/passwd', '-leading-dash', 'x'.repeat(129), MEGABYTE, 'nul\u0000'],
  email: () => [42, null, '', 'not-an-email', 'ken@', MEGABYTE, 'ken@example.com\r\nBcc: all@example.com'],
  enum: () => ['nope', 42, null, '', 'OPEN'],
  int: () => ['5', 0, 6, 2.5, -1, null, Number.NaN],
  bool: () => ['yes', 1, null, {}],
  'boolean-flag': () => ['true', 0],
  record: () => [
    'text',
    42,
    null,
    ['array'],
    { 'bad key': 1 },
    { ['k'.repeat(65)]: 1 },
    { fn: () => 1 },
    JSON.parse('{"__proto__": {"polluted": true}}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    deeplyNested(),
  ],
  key: () => [42, '', 'has space', 'ünïcode', 'x'.repeat(256), MEGABYTE],
};

interface FieldSpec {
  path: (string | number)[];
  kind: Kind;
  nullable?: boolean;
  required?: boolean;
}

interface CommandSpec {
  name: string;
  valid: Record<string, unknown>;
  fields: FieldSpec[];
  run: (desk: HelpDesk, ref: string, input: unknown) => Promise<unknown>;
}

const as = <T>(value: unknown) => value as T;

const COMMANDS: CommandSpec[] = [
  {
    name: 'open',
    valid: {
      requester: { email: 'ken@example.com', name: 'Ken' },
      subject: 'Password reset',
      body: 'Help',
      priority: 'high',
      departmentId: 'help',
      topic: 'accounts',
      source: 'web',
      fields: { orderId: 'A-1' },
      idempotencyKey: 'key-1',
    },
    fields: [
      { path: ['requester'], kind: 'bool' },
      { path: ['requester', 'email'], kind: 'email', required: true },
      { path: ['requester', 'name'], kind: 'single' },
      { path: ['subject'], kind: 'single', required: true },
      { path: ['body'], kind: 'multi', required: true },
      { path: ['priority'], kind: 'enum' },
      { path: ['departmentId'], kind: 'id' },
      { path: ['topic'], kind: 'single' },
      { path: ['source'], kind: 'enum' },
      { path: ['fields'], kind: 'record' },
      { path: ['idempotencyKey'], kind: 'key' },
    ],
    run: (desk, _ref, input) => desk.tickets.open(as(input), { actor: actors.root }),
  },
  {
    name: 'assign',
    valid: { agentId: 'ann', teamId: 'help-team' },
    fields: [
      { path: ['agentId'], kind: 'id', nullable: true },
      { path: ['teamId'], kind: 'id', nullable: true },
    ],
    run: (desk, ref, input) => desk.tickets.assign(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'unassign',
    valid: {},
    fields: [],
    run: (desk, ref, input) => desk.tickets.unassign(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'transfer',
    valid: { departmentId: 'l2', agentId: 'winston', teamId: null, note: 'Over to you' },
    fields: [
      { path: ['departmentId'], kind: 'id', required: true },
      { path: ['teamId'], kind: 'id', nullable: true },
      { path: ['agentId'], kind: 'id', nullable: true },
      { path: ['note'], kind: 'multi' },
    ],
    run: (desk, ref, input) => desk.tickets.transfer(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'reply',
    valid: { body: 'Hello' },
    fields: [
      { path: ['body'], kind: 'multi' },
      { path: ['cannedResponseId'], kind: 'id' },
    ],
    run: (desk, ref, input) => desk.tickets.reply(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'note',
    valid: { body: 'Internal' },
    fields: [{ path: ['body'], kind: 'multi', required: true }],
    run: (desk, ref, input) => desk.tickets.note(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'startWork',
    valid: {},
    fields: [],
    run: (desk, ref, input) => desk.tickets.startWork(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'requestInfo',
    valid: { body: 'Which version?' },
    fields: [{ path: ['body'], kind: 'multi', required: true }],
    run: (desk, ref, input) => desk.tickets.requestInfo(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'resolve',
    valid: { resolutionNote: 'Fixed', body: 'Done' },
    fields: [
      { path: ['resolutionNote'], kind: 'multi', required: true },
      { path: ['body'], kind: 'multi' },
    ],
    run: (desk, ref, input) => desk.tickets.resolve(ref, as(input), { actor: actors.ann }),
  },
  {
    name: 'confirmResolution',
    valid: { rating: 5, comment: 'Thanks' },
    fields: [
      { path: ['rating'], kind: 'int' },
      { path: ['comment'], kind: 'multi' },
    ],
    run: (desk, ref, input) => desk.tickets.confirmResolution(ref, as(input), { actor: actors.ken }),
  },
  {
    name: 'feedback',
    valid: { rating: 4, comment: 'Quick' },
    fields: [
      { path: ['rating'], kind: 'int', required: true },
      { path: ['comment'], kind: 'multi' },
    ],
    run: (desk, ref, input) => desk.tickets.feedback(ref, as(input), { actor: actors.ken }),
  },
  {
    name: 'close',
    valid: { force: true },
    fields: [{ path: ['force'], kind: 'boolean-flag' }],
    run: (desk, ref, input) => desk.tickets.close(ref, as(input), { actor: actors.root }),
  },
  {
    name: 'reopen',
    valid: { reason: 'Again' },
    fields: [{ path: ['reason'], kind: 'multi' }],
    run: (desk, ref, input) => desk.tickets.reopen(ref, as(input), { actor: actors.ken }),
  },
  {
    name: 'update',
    valid: { priority: 'urgent', slaPlanId: 'pausing', subject: 'New subject', fields: { a: 1 }, customStatus: null },
    fields: [
      { path: ['priority'], kind: 'enum' },
      { path: ['slaPlanId'], kind: 'id', nullable: true },
      { path: ['subject'], kind: 'single' },
      { path: ['fields'], kind: 'record' },
      { path: ['customStatus'], kind: 'id', nullable: true },
    ],
    run: (desk, ref, input) => desk.tickets.update(ref, as(input), { actor: actors.ann }),
  },
];

function withValue(input: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(input);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    target[key] = typeof target[key] === 'object' && target[key] !== null ? target[key] : {};
    target = target[key] as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

function expectRefused(error: unknown, path: (string | number)[], label: string): void {
  expect(
    isTicketkitError(error, 'VALIDATION_FAILED'),
    `${label}: expected VALIDATION_FAILED, got ${String(error)}`,
  ).toBe(true);
  const issues = (error as TicketkitError).issues;
  const named = issues.some((issue) => path.every((part, index) => issue.path[index] === part));
  expect(named, `${label}: no issue names ${path.join('.')} (got ${JSON.stringify(issues.map((i) => i.path))})`).toBe(
    true,
  );
  expect((error as Error).message).toContain(path.join('.'));
}

async function refuses(run: () => Promise<unknown>, path: (string | number)[], label: string) {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `${label} was accepted`).toBeDefined();
  expectRefused(error, path, label);
}

describe.each(COMMANDS)('$name refuses bad input', (spec) => {
  test('field by field, without writing anything', { timeout: 60_000 }, async () => {
    const { desk, storage, open } = await createTestDesk();
    const ticket = await open();
    const before = storageSnapshot(storage);
    let cases = 0;
    for (const field of spec.fields) {
      const values = BAD_VALUES[field.kind]().filter((value) => !(field.nullable && value === null));
      if (field.required) values.push(undefined);
      for (const value of values) {
        const label = `${spec.name} ${field.path.join('.')}=${typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : String(value)}`;
        await refuses(() => spec.run(desk, ticket.id, withValue(spec.valid, field.path, value)), field.path, label);
        cases++;
      }
    }
    // Unknown fields, prototype keys and input that is not an object at all.
    await refuses(
      () => spec.run(desk, ticket.id, { ...spec.valid, surprise: 1 }),
      ['surprise'],
      `${spec.name} unknown field`,
    );
    const polluted = JSON.parse(
      `{"__proto__": {"polluted": true}, ${JSON.stringify(spec.valid).slice(1)}`.replace(', }', '}'),
    );
    await refuses(() => spec.run(desk, ticket.id, polluted), ['__proto__'], `${spec.name} __proto__ key`);
    for (const notAnObject of [null, 'text', 42, []]) {
      const error = await spec.run(desk, ticket.id, notAnObject).catch((caught: unknown) => caught);
      expect(isTicketkitError(error, 'VALIDATION_FAILED'), `${spec.name}(${JSON.stringify(notAnObject)})`).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(storageSnapshot(storage)).toBe(before);
    expect(cases).toBe(
      spec.fields.reduce(
        (total, field) =>
          total +
          BAD_VALUES[field.kind]().filter((v) => !(field.nullable && v === null)).length +
          (field.required ? 1 : 0),
        0,
      ),
    );
  });
});

test('ticket references, options and actors are checked too', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  const before = storageSnapshot(storage);
  for (const ref of ['', 'has space', 'x'.repeat(129), 'nul\u0000', MEGABYTE, 42 as unknown as string]) {
    await refuses(
      () => desk.tickets.note(ref, { body: 'x' }, { actor: actors.ann }),
      ['ref'],
      `ref ${String(ref).slice(0, 20)}`,
    );
    await refuses(() => desk.tickets.get(ref, { actor: actors.ann }), ['ref'], `get ref ${String(ref).slice(0, 20)}`);
  }
  const badOptions: [unknown, (string | number)[]][] = [
    [undefined, ['options']],
    [{}, ['options', 'actor']],
    [{ actor: { type: 'robot' } }, ['options', 'actor', 'type']],
    [{ actor: { type: 'customer' } }, ['options', 'actor', 'email']],
    [{ actor: { type: 'customer', email: 'not-an-email' } }, ['options', 'actor', 'email']],
    [{ actor: { type: 'agent', id: '' } }, ['options', 'actor', 'id']],
    [{ actor: { type: 'agent', id: 'ann', role: 'admin' } }, ['options', 'actor', 'role']],
    [{ actor: actors.ann, expectedVersion: '3' }, ['options', 'expectedVersion']],
    [{ actor: actors.ann, expectedVersion: 0 }, ['options', 'expectedVersion']],
    [JSON.parse('{"actor": {"type": "system"}, "__proto__": {"polluted": true}}'), ['options', '__proto__']],
  ];
  for (const [options, path] of badOptions) {
    await refuses(
      () => desk.tickets.note(ticket.id, { body: 'x' }, options as never),
      path,
      `options ${JSON.stringify(options)}`,
    );
  }
  await refuses(
    () => desk.tickets.open({ subject: 's', body: 'b', departmentId: 'help' }, {} as never),
    ['options', 'actor'],
    'open options',
  );
  expect(storageSnapshot(storage)).toBe(before);
});

test('queries refuse bad names, limits, cursors and search text', async () => {
  const { desk, open } = await createTestDesk();
  await open();
  await refuses(() => desk.queues.list('nope' as never, { actor: actors.ann }), ['name'], 'queue name');
  for (const limit of [0, 101, 2.5, '10', null]) {
    await refuses(
      () => desk.queues.list('open', { actor: actors.ann, limit: limit as number }),
      ['options', 'limit'],
      `limit ${limit}`,
    );
  }
  for (const cursor of ['***', MEGABYTE, 'bm90LWpzb24']) {
    await refuses(
      () => desk.queues.list('open', { actor: actors.ann, cursor }),
      cursor === 'bm90LWpzb24' ? ['cursor'] : ['options', 'cursor'],
      `cursor ${cursor.slice(0, 10)}`,
    );
  }
  for (const text of ['', '   ', '!!!', 'x'.repeat(201), 'nul\u0000', 42 as unknown as string]) {
    await refuses(
      () => desk.tickets.search(text, { actor: actors.ann }),
      ['text'],
      `search ${String(text).slice(0, 10)}`,
    );
  }
});

test('directory records refuse bad fields and dangling references, writing nothing', async () => {
  const { desk, storage } = await createTestDesk();
  const before = storageSnapshot(storage);
  const cases: [() => Promise<unknown>, (string | number)[]][] = [
    [() => desk.departments.upsert({ id: '', name: 'x' }), ['id']],
    [() => desk.departments.upsert({ id: 'ok', name: 'two\nlines' }), ['name']],
    [() => desk.departments.upsert(JSON.parse('{"id":"ok","name":"x","__proto__":{}}')), ['__proto__']],
    [() => desk.teams.upsert({ id: 't', name: 'T', departmentId: 'nowhere' }), ['departmentId']],
    [() => desk.teams.upsert({ id: 't', name: 'T', departmentId: 'help', memberIds: ['ann', 'ann'] }), ['memberIds']],
    [() => desk.agents.upsert({ id: 'a', name: 'A', email: 'nope', departmentIds: [] }), ['email']],
    [
      () => desk.agents.upsert({ id: 'a', name: 'A', email: 'a@b.co', departmentIds: ['help', 'nowhere'] }),
      ['departmentIds', 1],
    ],
    [() => desk.agents.upsert({ id: 'a', name: 'A', email: 'a@b.co', role: 'owner' as never }), ['role']],
    [() => desk.calendars.upsert({ id: 'c', timeZone: 'Mars/Olympus', weekly: {} }), ['timeZone']],
    [
      () => desk.calendars.upsert({ id: 'c', timeZone: 'UTC', weekly: { mon: [['9:00', '17:00']] } }),
      ['weekly', 'mon', 0, 0],
    ],
    [() => desk.calendars.upsert({ id: 'c', timeZone: 'UTC', weekly: { funday: [] } as never }), ['weekly', 'funday']],
    [() => desk.calendars.upsert({ id: 'c', timeZone: 'UTC', weekly: {}, holidays: ['25/12/2026'] }), ['holidays', 0]],
    [
      () => desk.slaPlans.upsert({ id: 'p', name: 'P', firstResponseWithin: 'soon', resolveWithin: '1d' }),
      ['firstResponseWithin'],
    ],
    [
      () => desk.slaPlans.upsert({ id: 'p', name: 'P', firstResponseWithin: '1h', resolveWithin: '1d', warnAt: 1.5 }),
      ['warnAt'],
    ],
    [
      () =>
        desk.slaPlans.upsert({
          id: 'p',
          name: 'P',
          firstResponseWithin: '1h',
          resolveWithin: '1d',
          calendarId: 'none',
        }),
      ['calendarId'],
    ],
    [() => desk.cannedResponses.upsert({ id: 'c', title: 'T', body: '', departmentId: null }), ['body']],
    [() => desk.cannedResponses.upsert({ id: 'c', title: 'T', body: 'B', departmentId: 'nowhere' }), ['departmentId']],
  ];
  for (const [run, path] of cases) await refuses(run, path, `directory ${path.join('.')}`);
  expect(storageSnapshot(storage)).toBe(before);
});

test('references to records that do not exist are refused on the field that carried them', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  const before = storageSnapshot(storage);
  const cases: [() => Promise<unknown>, (string | number)[]][] = [
    [() => desk.tickets.assign(ticket.id, { agentId: 'nobody' }, { actor: actors.ann }), ['agentId']],
    [() => desk.tickets.assign(ticket.id, { agentId: 'winston' }, { actor: actors.ann }), ['agentId']],
    [() => desk.tickets.assign(ticket.id, { teamId: 'nope' }, { actor: actors.ann }), ['teamId']],
    [() => desk.tickets.transfer(ticket.id, { departmentId: 'nowhere' }, { actor: actors.ann }), ['departmentId']],
    [
      () => desk.tickets.transfer(ticket.id, { departmentId: 'l2', agentId: 'ann' }, { actor: actors.ann }),
      ['agentId'],
    ],
    [
      () => desk.tickets.transfer(ticket.id, { departmentId: 'l2', teamId: 'help-team' }, { actor: actors.ann }),
      ['teamId'],
    ],
    [() => desk.tickets.reply(ticket.id, { cannedResponseId: 'nope' }, { actor: actors.ann }), ['cannedResponseId']],
    [() => desk.tickets.update(ticket.id, { slaPlanId: 'nope' }, { actor: actors.ann }), ['slaPlanId']],
    [() => desk.tickets.update(ticket.id, { customStatus: 'nope' }, { actor: actors.ann }), ['customStatus']],
    [() => open({ departmentId: 'nowhere' }), ['departmentId']],
    [() => desk.tickets.open({ subject: 's', body: 'b', departmentId: 'help' }, { actor: actors.ann }), ['requester']],
    [() => open({ requester: { email: 'someone-else@example.com' } }), ['requester', 'email']],
  ];
  for (const [run, path] of cases) await refuses(run, path, `reference ${path.join('.')}`);
  expect(storageSnapshot(storage)).toBe(before);
});
