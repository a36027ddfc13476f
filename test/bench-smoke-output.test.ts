import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderResultTable } from '../bench/lib/result-table.js';
import type { Metric } from '../bench/suites/metric.js';

/** The smoke run inside `npm test` proves the benchmark runs; it passes no verdicts on goals it cannot reach. */

const missed: Metric[] = [
  { name: 'ticket by number', value: 12, unit: 'ms p99', goal: 5, detail: 'smoke-sized sample' },
  { name: 'HTTP intake', value: 300, unit: 'req/s', goal: 2000, better: 'higher', detail: 'one second' },
];

test('a smoke run prints no verdicts and says what it proves', () => {
  const table = renderResultTable(missed, { smoke: true });
  expect(table).not.toMatch(/MISSED|\bok\b/);
  expect(table).toContain('Smoke run: this proves the benchmark runs');
  expect(table).toContain('ms p99');
});

test('a full run judges every figure against its goal', () => {
  const table = renderResultTable(missed, { smoke: false });
  expect(table.match(/MISSED/g)).toHaveLength(2);
});

test('npm test runs the benchmark as a smoke run', () => {
  const scripts = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts;
  expect(scripts['bench:smoke']).toContain('--smoke');
  expect(scripts.test).toContain('npm run bench:smoke');
});
