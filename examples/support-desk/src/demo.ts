/**
 * `npm start`: plays the seed scenario on ticketkit's embedded default — a
 * SQLite file that is kept between runs — and prints each ticket's thread and
 * timeline. `npm start -- --reset` starts over with a new file; `--file PATH`
 * picks another file.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { manualClock } from '@ticketkit/core';
import { describeTicket } from './print-ticket.js';
import { createDemoDesk, playSeedScenario } from './seed-scenario.js';

/** Where `npm start` keeps its desk. */
export const DEFAULT_FILE = fileURLToPath(new URL('../.data/support-desk.db', import.meta.url));

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The SQLite file. */
  file?: string;
  /** Delete the file first. */
  reset?: boolean;
  /** Where the output goes. */
  write?: (line: string) => void;
}

export async function runDemo({ file = DEFAULT_FILE, reset = false, write = console.log }: DemoOptions = {}) {
  if (reset) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const existed = existsSync(file);
  mkdirSync(dirname(file), { recursive: true });
  // The story spans days: a clock the scenario moves by hand, starting now.
  const clock = manualClock(new Date());
  const storage = sqliteStorage({ filename: file });
  const desk = await createDemoDesk({ storage, clock });
  const before = (await desk.queues.counts({ actor: { type: 'system' } })).all;

  desk.on('ticket.created', ({ ticket }) =>
    write(`  → #${ticket.number} opened by ${ticket.requester.name}: ${ticket.subject}`),
  );
  desk.on('ticket.transferred', ({ ticket, to }) =>
    write(`  → #${ticket.number} transferred to ${to.departmentId} (${to.assigneeId})`),
  );
  desk.on('sla.warning', ({ ticket, target }) =>
    write(`  ⏰ #${ticket.number} ${target.replace('_', ' ')} target at risk`),
  );
  desk.on('sla.breached', ({ ticket, target }) =>
    write(`  ⏰ #${ticket.number} ${target.replace('_', ' ')} target missed: the ticket is overdue`),
  );
  desk.on('ticket.status_changed', ({ ticket, from, to, actor }) =>
    write(`  → #${ticket.number} ${from.replace('_', ' ')} → ${to.replace('_', ' ')} (${actor.name ?? actor.type})`),
  );

  write(`ticketkit demo: the seed scenario, on the SQLite file ${file}`);
  write(
    existed
      ? `This file already holds ${before} tickets from earlier runs; they stay (npm start -- --reset starts over).`
      : 'A new file: the schema is created by the migrations.',
  );
  const { reset: passwordReset, crash } = await playSeedScenario(desk, clock, {
    stage: (name) => write(`\n${name}`),
    aside: (text) => write(`  ! ${text}`),
  });
  for (const ticket of [passwordReset, crash]) write(`\n${await describeTicket(desk, ticket)}`);
  const counts = await desk.queues.counts({ actor: { type: 'system' } });
  write(
    `\nQueues: ${Object.entries(counts)
      .map(([name, count]) => `${name.replace('_', ' ')} ${count}`)
      .join(' · ')}`,
  );
  write('🔒 = internal, agents only');
  await desk.close();
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file:').href) {
  const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false }, file: { type: 'string' } } });
  await runDemo({ reset: values.reset, ...(values.file ? { file: values.file } : {}) });
}
