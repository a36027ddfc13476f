import { type SqliteStorage, type SqliteStorageOptions, sqliteStorage } from '@ticketkit/adapter-sqlite';
import {
  type Actor,
  type Clock,
  createHelpDesk,
  defaultSlaPolicy,
  type HelpDesk,
  type ManualClock,
  manualClock,
  type Notifier,
} from '@ticketkit/core';
import { progressBar } from './progress.js';

const DOMAIN_WORDS = `password reset login account card blocked transfer payment refund statement mobile app crash
  update error invoice address email phone limit loan mortgage interest fee charge dispute fraud alert branch atm pin
  deposit withdrawal balance savings checking overdraft wire international currency exchange receipt signature token
  verification security question locked expired link browser android iphone tablet notification cheque beneficiary
  standing order direct debit tax certificate closing opening joint business credit score travel insurance claim`
  .split(/\s+/)
  .filter(Boolean);

/**
 * Words the generated subjects and messages are made of: the bank's own
 * words first (the most common), then a long tail of made-up words, as a
 * real desk's vocabulary has thousands of rare words.
 */
export const VOCABULARY = [
  ...DOMAIN_WORDS,
  ...Array.from({ length: 4000 }, (_, index) => {
    const syllables = ['ka', 'lo', 'mi', 'ter', 'vus', 'dan', 'pre', 'sol', 'quin', 'ber', 'ul', 'fa'];
    let word = '';
    for (let rest = index + 7; rest > 0; rest = Math.floor(rest / 12)) word += syllables[rest % 12];
    return word;
  }),
];

export const DEPARTMENTS = Array.from({ length: 10 }, (_, index) => `dept-${index}`);
export const AGENTS_PER_DEPARTMENT = 5;
export const admin = { type: 'agent', id: 'admin' } as const satisfies Actor;
export const agentOf = (department: number, index = 0) =>
  ({ type: 'agent', id: `agent-${department}-${index}` }) as const;

/** A deterministic pseudo-random generator, so two runs build the same data. */
export function random(seed = 42) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
  // Zipf-like: common words far more often than rare ones, as in real tickets.
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length * next() ** 4)] as string;
  const words = (count: number) => Array.from({ length: count }, word).join(' ');
  return { next, word, words, int: (max: number) => Math.floor(next() * max) };
}

/** A desk on a SQLite file with the benchmark's directory: 10 departments of 5 agents, an admin, SEV C for every ticket. */
export async function benchDesk(
  filename: string,
  clock: Clock,
  notifiers: Notifier[] = [],
  storageOptions: Partial<SqliteStorageOptions> = {},
) {
  // A desk of a million tickets is several GB: give SQLite room to keep its hot indexes in memory.
  const storage = sqliteStorage({ filename, cacheSize: 1_048_576, mmapSize: 17_179_869_184, ...storageOptions });
  // Ten random digits: room for a million tickets with rare collisions (six would be full).
  // Every ticket gets SEV C by default, so the SLA engine schedules each one as a real desk's would.
  const desk = await createHelpDesk({
    storage,
    clock,
    notifiers,
    // The outbox rows are written in every command's transaction, as always; sending them is left to the
    // scheduler, so background sends never run inside a measurement.
    delivery: { sendAfterCommit: false },
    ticketNumber: { format: '##########' },
    sla: defaultSlaPolicy({
      plans: [{ id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' }],
      defaultPlan: { fallback: 'sev-c' },
    }),
  });
  await desk.agents.upsert({ id: 'admin', name: 'Admin', email: 'admin@bank.test', role: 'admin' });
  for (const [index, id] of DEPARTMENTS.entries()) {
    await desk.departments.upsert({ id, name: `Department ${index}` });
    for (let agent = 0; agent < AGENTS_PER_DEPARTMENT; agent++) {
      await desk.agents.upsert({
        id: agentOf(index, agent).id,
        name: `Agent ${index}.${agent}`,
        email: `agent-${index}-${agent}@bank.test`,
        departmentIds: [id],
      });
    }
  }
  return { desk, storage };
}

/**
 * Fills the desk with `size` tickets through the public API, the way a real
 * desk gets them: mostly closed (80%), some resolved, awaiting the customer,
 * in progress, or waiting in the open queue. Commands run in batches of one
 * outer transaction each (the adapter nests its own in a savepoint), so a
 * million tickets load in minutes.
 */
export async function loadTickets(desk: HelpDesk, storage: SqliteStorage, clock: ManualClock, size: number) {
  const rng = random();
  const bar = progressBar('creating tickets', size);
  const batch = 500;
  for (let start = 0; start < size; start += batch) {
    storage.database.exec('BEGIN IMMEDIATE');
    for (let index = start; index < Math.min(size, start + batch); index++) {
      clock.advance(30_000);
      const department = index % DEPARTMENTS.length;
      const agent = agentOf(department, index % AGENTS_PER_DEPARTMENT);
      const customer = { type: 'customer', email: `customer${index % 50_000}@example.com` } as const;
      const ticket = await desk.tickets.open(
        {
          subject: `${rng.words(2)} ${rng.words(1)}`,
          body: rng.words(12 + rng.int(30)),
          departmentId: DEPARTMENTS[department],
        },
        { actor: customer },
      );
      const roll = rng.next();
      if (roll < 0.85) {
        await desk.tickets.resolve(ticket.id, { resolutionNote: rng.words(6), body: rng.words(10) }, { actor: agent });
        if (roll < 0.8)
          await desk.tickets.confirmResolution(ticket.id, { rating: 1 + rng.int(5) }, { actor: customer });
      } else if (roll < 0.9) {
        await desk.tickets.requestInfo(ticket.id, { body: rng.words(10) }, { actor: agent });
      } else if (roll < 0.95) {
        await desk.tickets.assign(ticket.id, { agentId: agent.id }, { actor: agent });
        await desk.tickets.startWork(ticket.id, {}, { actor: agent });
      } else if (roll < 0.98) {
        await desk.tickets.assign(ticket.id, { agentId: agent.id }, { actor: agent });
      }
    }
    storage.database.exec('COMMIT');
    bar.tick(Math.min(size, start + batch));
  }
  bar.done();
  storage.optimize();
}

/** A manual clock at the benchmark's epoch. */
export const benchClock = () => manualClock('2025-01-01T00:00:00Z');
