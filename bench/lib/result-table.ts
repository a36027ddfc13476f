import { goalText, type Metric, meetsGoal } from '../suites/metric.js';
import { format } from './stats.js';

/**
 * The results table the harness prints. A full run judges each figure against its goal (`ok` or `MISSED`). A
 * smoke run (`--smoke`, inside `npm test`) is too small and too short to reach the goals — a few thousand
 * tickets, a one-second HTTP run without warm-up — so it gives no verdicts: it proves the benchmark runs, and
 * says so.
 */
export function renderResultTable(metrics: readonly Metric[], { smoke }: { smoke: boolean }): string {
  const header = smoke ? ['metric', 'value', 'goal'] : ['metric', 'value', 'goal', 'verdict'];
  const rows = metrics.map((metric) => {
    const cells = [metric.name, `${format(metric.value)} ${metric.unit}`, goalText(metric)];
    if (!smoke) cells.push(meetsGoal(metric) ? 'ok' : 'MISSED');
    return { cells, detail: metric.detail };
  });
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => row.cells[index]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ');
  const lines = [`${line(header)}  detail`, ...rows.map((row) => `${line(row.cells)}  ${row.detail}`)];
  if (smoke) {
    lines.push(
      '',
      'Smoke run: this proves the benchmark runs end to end. Its figures come from a small desk and a one-second',
      'HTTP run, so they are not judged against the goals; the full run (`npm run bench`) gives the verdicts.',
    );
  }
  return lines.join('\n');
}
