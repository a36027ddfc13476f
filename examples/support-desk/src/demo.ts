/**
 * `npm start`: plays the seed scenario on ticketkit's embedded default — a
 * SQLite file that is kept between runs — and prints each ticket's thread and
 * timeline. `npm start -- --reset` starts over with a new file; `--file PATH`
 * picks another file. With `DATABASE_URL` set it runs on PostgreSQL instead
 * (schema `support_desk`, kept between runs the same way).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { manualClock, type StorageAdapter } from '@ticketkit/core';
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
  /** A PostgreSQL URL: run on PostgreSQL instead of the SQLite file (`npm start` reads `DATABASE_URL`). */
  databaseUrl?: string;
  /** The PostgreSQL schema of the desk. */
  schema?: string;
}

/** The demo's storage: the SQLite file, or PostgreSQL when a database URL is given. */
async function demoStorage(
  options: Required<Pick<DemoOptions, 'file' | 'reset' | 'schema'>> & Pick<DemoOptions, 'databaseUrl'>,
): Promise<{ storage: StorageAdapter; existed: boolean; where: string }> {
  if (options.databaseUrl) {
    const storage = postgresStorage({ connectionString: options.databaseUrl, schema: options.schema, max: 4 });
    const pool = await storage.pool();
    if (options.reset) await pool.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`);
    const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      `"${options.schema}".tickets`,
    ]);
    return { storage, existed: rows[0]?.found === true, where: `PostgreSQL (schema ${options.schema})` };
  }
  if (options.reset) for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.file}${suffix}`, { force: true });
  const existed = existsSync(options.file);
  mkdirSync(dirname(options.file), { recursive: true });
  return { storage: sqliteStorage({ filename: options.file }), existed, where: `the SQLite file ${options.file}` };
}

export async function runDemo({
  file = DEFAULT_FILE,
  reset = false,
  write = console.log,
  databaseUrl,
  schema = 'support_desk',
}: DemoOptions = {}) {
  const { storage, existed, where } = await demoStorage({ file, reset, schema, databaseUrl });
  // The story spans days: a clock the scenario moves by hand, starting now.
  const clock = manualClock(new Date());
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

  write(`ticketkit demo: the seed scenario, on ${where}`);
  write(
    existed
      ? `This ${databaseUrl ? 'schema' : 'file'} already holds ${before} tickets from earlier runs; they stay (npm start -- --reset starts over).`
      : `A new ${databaseUrl ? 'schema' : 'file'}: the schema is created by the migrations.`,
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
  await runDemo({
    reset: values.reset,
    ...(values.file ? { file: values.file } : {}),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  });
}
