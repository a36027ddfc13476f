import {
  type Actor,
  createHelpDesk,
  type HelpDeskOptions,
  type Logger,
  type MemoryStorage,
  manualClock,
  memoryStorage,
} from '../../src/index.js';

/** The actors of the test desk. */
export const actors = {
  ken: { type: 'customer', email: 'ken@example.com', name: 'Ken' },
  karen: { type: 'customer', email: 'karen@example.com', name: 'Karen' },
  ann: { type: 'agent', id: 'ann' },
  bob: { type: 'agent', id: 'bob' },
  winston: { type: 'agent', id: 'winston' },
  root: { type: 'agent', id: 'root' },
  system: { type: 'system' },
} as const satisfies Record<string, Actor>;

/** A logger that keeps what it was told, for assertions. */
export function recordingLogger(): Logger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  return { errors, warn: () => {}, error: (...args) => errors.push(args) };
}

/**
 * A desk on memory storage with a small directory: departments `help` and
 * `l2`; agents ann and bob (help), winston (l2), root (admin); SLA plans
 * `pausing` and `running`; a manual clock.
 */
export async function createTestDesk(options: Partial<HelpDeskOptions> = {}) {
  const storage: MemoryStorage = memoryStorage();
  const clock = manualClock('2026-03-02T09:00:00Z');
  const logger = recordingLogger();
  const desk = await createHelpDesk({ storage, clock, logger, ...options });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.teams.upsert({ id: 'help-team', name: 'Front line', departmentId: 'help', memberIds: ['ann', 'bob'] });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['l2'] });
  await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
  await desk.slaPlans.upsert({ id: 'pausing', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' });
  await desk.slaPlans.upsert({
    id: 'running',
    name: 'SEV A',
    firstResponseWithin: '1h',
    resolveWithin: '8h',
    pauseWhileAwaitingCustomer: false,
  });
  const open = (overrides: Record<string, unknown> = {}, actor: Actor = actors.ken) =>
    desk.tickets.open(
      { subject: 'Password reset', body: 'I cannot log in.', departmentId: 'help', ...overrides },
      { actor },
    );
  return { desk, storage, clock, logger, open };
}

/** Everything the memory storage holds, as JSON: compare before and after to prove nothing was written. */
export function storageSnapshot(storage: MemoryStorage): string {
  const { state } = storage;
  return JSON.stringify({
    tickets: [...state.tickets.entries()],
    thread: [...state.thread.entries()],
    audit: [...state.audit.entries()],
    idempotency: [...state.idempotency.entries()],
    sequences: [...state.sequences.entries()],
    records: [...state.records.entries()].map(([kind, records]) => [kind, [...records.entries()]]),
  });
}
