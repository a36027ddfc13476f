/**
 * Prints a benchmark result (the JSON `npm run bench` writes) as the Markdown
 * table of docs/performance.md: `node --import tsx bench/report.ts bench/results/1m.json`.
 */
import { readFileSync } from 'node:fs';
import { format } from './lib/stats.js';
import { goalText, type Metric, meetsGoal } from './suites/metric.js';

const file = process.argv[2] ?? 'bench/results/latest.json';
const result = JSON.parse(readFileSync(file, 'utf8')) as {
  command: string;
  date: string;
  node: string;
  platform: string;
  size: number;
  loadSeconds: number;
  // The PostgreSQL benchmark reports some figures (commands, ratios against raw `pg`) without a goal.
  metrics: (Omit<Metric, 'goal'> & { goal?: number })[];
  smoke?: boolean;
};
console.log(`Command: \`${result.command}\` — ${result.date.slice(0, 10)}, Node ${result.node}, ${result.platform}.\n`);
if (result.smoke) console.log('A smoke run: it proves the benchmark runs; the goals are judged by full runs only.\n');
console.log('| figure | result | goal | how it was measured |');
console.log('|---|---|---|---|');
for (const figure of result.metrics) {
  const { goal } = figure;
  const metric = goal === undefined ? null : { ...figure, goal };
  // A smoke run is too small to reach the goals: its figures are reported without verdicts.
  const verdict = result.smoke || !metric || meetsGoal(metric) ? '' : ' **(missed)**';
  console.log(
    `| ${figure.name} | ${format(figure.value)} ${figure.unit}${verdict} | ${metric ? goalText(metric) : '—'} | ${figure.detail} |`,
  );
}
console.log(
  `\n${result.size.toLocaleString('en-US')} tickets were created through the public API in ${Math.round(result.loadSeconds)} s (${Math.round(result.size / result.loadSeconds).toLocaleString('en-US')} tickets/s).`,
);
