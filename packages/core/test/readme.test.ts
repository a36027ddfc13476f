import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { readmeExample } from './support/markdown.js';

const readmePath = new URL('../../../README.md', import.meta.url);

afterEach(() => {
  vi.restoreAllMocks();
});

test('the README example is short and runs as written', async () => {
  const code = readmeExample(await readFile(readmePath, 'utf8'));
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(15);
  const file = join(await mkdtemp(join(tmpdir(), 'ticketkit-readme-')), 'readme-example.ts');
  await writeFile(file, code);
  const logged: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => {
    logged.push(line);
  });
  await import(/* @vite-ignore */ file);
  expect(logged).toHaveLength(2);
  expect(logged[0]).toMatch(/^new ticket #\d{6}: Password reset$/);
  expect(logged[1]).toMatch(/^#\d{6} is closed$/);
});
