import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { runDemo } from '../src/demo.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('the demo plays the seed scenario and prints threads and timelines', async () => {
  const lines: string[] = [];
  await runDemo((line) => lines.push(line));
  const output = lines.join('\n');
  expect(output).toMatch(/#\d{6} opened by Ken: Password reset/);
  expect(output).toContain('! Winston tries to close #');
  expect(output).toContain('CONFIRMATION_REQUIRED');
  expect(output).toMatch(/Transferred from Help Desk to Level 2 Support \(Winston\)/);
  expect(output).toMatch(/Karen +event +Resolution confirmed: Works again, thank you!/);
  expect(output).toMatch(/Karen +reopen +closed, assigned → in progress, assigned/);
  expect(output).toMatch(/Ken +reply +resolved, assigned → in progress, assigned/);
  expect(output).toContain('Queues: open 2');
});

test('`npm start` runs the demo from a fresh process', { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/support-desk/src/demo.ts'],
    {
      cwd: root,
    },
  );
  expect(stdout).toContain('ticketkit demo: the seed scenario');
  expect(stdout).toContain('Timeline');
});
