import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { runDemo } from '../src/demo.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ticketkit-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demo(options: { reset?: boolean } = {}) {
  const lines: string[] = [];
  await runDemo({ file: join(dir, 'demo.db'), write: (line) => lines.push(line), ...options });
  return lines.join('\n');
}

test('the demo plays the seed scenario on a SQLite file and prints threads and timelines', async () => {
  const output = await demo();
  expect(output).toContain('A new file: the schema is created by the migrations.');
  expect(output).toMatch(/#\d{6} opened by Ken: Password reset/);
  expect(output).toContain('! Winston tries to close #');
  expect(output).toContain('CONFIRMATION_REQUIRED');
  expect(output).toMatch(/Transferred from Help Desk to Level 2 Support \(Winston\)/);
  expect(output).toMatch(/Karen +event +Resolution confirmed: Works again, thank you!/);
  expect(output).toMatch(/Karen +reopen +closed, assigned → in progress, assigned/);
  expect(output).toMatch(/Ken +reply +resolved, assigned → in progress, assigned/);
  expect(output).toContain('Queues: open 2');
  // The delivery log: every notification, its recipient and how it went.
  expect(output).toContain('Mail (delivery log)');
  expect(output).toMatch(/auto response +→ ken@example.com +delivered, 1 attempt/);
  expect(output).toMatch(/new alert +→ isabella@bank.test +delivered, 1 attempt/);
  expect(output).toMatch(/transfer alert +→ winston@bank.test +delivered/);
  expect(output).toMatch(/resolved notice +→ karen@example.com +delivered/);
  // Plans: SEV C set by Isabella; SEV B by default for Karen's high-priority crash.
  expect(output).toMatch(/SLA SEV C: first response due .* \(met .*\)/);
  expect(output).toMatch(/SLA SEV B: first response due/);
});

test('the file is kept between runs, and --reset starts over', async () => {
  const second = await demo();
  expect(second).toContain('This file already holds 2 tickets from earlier runs');
  expect(second).toMatch(/all 4$/m);
  const reset = await demo({ reset: true });
  expect(reset).toContain('A new file');
  expect(reset).toMatch(/all 2$/m);
});

test('`npm run demo:terminal -- --reset` runs the demo from a fresh process', { timeout: 60_000 }, async () => {
  const file = join(dir, 'cli.db');
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/support-desk/src/demo.ts', '--file', file, ...args],
      // Without DATABASE_URL, whatever the environment has: this test is about the SQLite file.
      { cwd: root, env: { ...process.env, DATABASE_URL: '' } },
    );
  const first = await run('--reset');
  expect(first.stdout).toContain('ticketkit demo: the seed scenario, on the SQLite file');
  expect(first.stdout).toContain('Timeline');
  const second = await run();
  expect(second.stdout).toContain('This file already holds 2 tickets');
});

test('with a database URL the demo runs on PostgreSQL, kept between runs', { timeout: 60_000 }, async () => {
  const databaseUrl = process.env.TICKETKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `demo_${process.pid}_${Date.now()}`;
  const run = async (reset: boolean) => {
    const lines: string[] = [];
    await runDemo({ databaseUrl, schema, reset, write: (line) => lines.push(line) });
    return lines.join('\n');
  };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const first = await run(true);
    expect(first).toContain(`ticketkit demo: the seed scenario, on PostgreSQL (schema ${schema})`);
    expect(first).toContain('A new schema: the schema is created by the migrations.');
    expect(first).toMatch(/auto response +→ ken@example.com +delivered, 1 attempt/);
    expect(first).toContain('Queues: open 2');
    const second = await run(false);
    expect(second).toContain('This schema already holds 2 tickets from earlier runs');
    expect(second).toMatch(/all 4$/m);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
});
