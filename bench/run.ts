/**
 * The benchmark harness: `npm run bench -- --size 1000000`.
 *
 * Builds a SQLite desk of `--size` tickets through the public API (with a
 * progress bar), then measures write overhead against raw SQL in the same
 * run, read latencies at that size, heap flatness over many commands, and
 * load over loopback HTTP (`--http-seconds` per run) against a server in a
 * process of its own on the same file.
 * Prints a table and writes JSON to `--json` (default bench/results/latest.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchClock, benchDesk, loadTickets } from './lib/dataset.js';
import { renderResultTable } from './lib/result-table.js';
import { httpLoad } from './suites/http-load.js';
import { memoryFlatness } from './suites/memory.js';
import type { Metric } from './suites/metric.js';
import { readLatency } from './suites/read-latency.js';
import { writeOverhead } from './suites/write-overhead.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '20000' },
    'memory-commands': { type: 'string', default: '200000' },
    samples: { type: 'string', default: '1000' },
    json: { type: 'string', default: 'bench/results/latest.json' },
    file: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    'http-seconds': { type: 'string' },
    'http-connections': { type: 'string', default: '20' },
    // `postgres`: the PostgreSQL adapter's latencies and HTTP intake with 1, 2 and 3 app processes (bench/postgres).
    adapter: { type: 'string', default: 'sqlite' },
    // With --adapter postgres: `latency` or `http` runs that suite alone.
    only: { type: 'string' },
    // With --adapter postgres: tickets created through the API; the rest of --size is copied in SQL.
    'api-tickets': { type: 'string', default: '20000' },
    // With --adapter postgres: load into (or, when it holds --size tickets, reuse) this schema; --keep leaves it.
    schema: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // With --adapter postgres: cap each HTTP app process at this share of one core (a cgroup quota; root).
    'app-cpu': { type: 'string' },
  },
});
const size = Number(values.size);
const memoryCommands = Number(values['memory-commands']);
const samples = Number(values.samples);
const httpSeconds = Number(values['http-seconds'] ?? (values.smoke ? 1 : 10));
const httpConnections = Number(values['http-connections']);
if (!Number.isInteger(size) || size < 100) throw new Error('--size must be a whole number of at least 100');
if (!(httpSeconds > 0) || !Number.isInteger(httpConnections) || httpConnections < 1) {
  throw new Error('--http-seconds must be positive and --http-connections a whole number of at least 1');
}

if (values.adapter === 'postgres') {
  const { runPostgresBench } = await import('./postgres/run.js');
  await runPostgresBench({
    size,
    apiTickets: Number(values['api-tickets']),
    schema: values.schema,
    keep: values.keep,
    samples,
    httpSeconds,
    httpConnections,
    httpWarmupSeconds: values.smoke ? 0 : 2,
    appCpu: values['app-cpu'] === undefined ? undefined : Number(values['app-cpu']),
    only: values.only,
    json: values.json,
    smoke: values.smoke,
  });
  process.exit(0);
}
if (values.adapter !== 'sqlite') throw new Error('--adapter must be sqlite or postgres');

const dir = mkdtempSync(join(tmpdir(), 'ticketkit-bench-'));
const filename = values.file ?? join(dir, 'bench.db');
const clock = benchClock();
const { desk, storage } = await benchDesk(filename, clock, [{ id: 'email', send: async () => {} }]);

console.error(`ticketkit benchmark: ${size.toLocaleString('en-US')} tickets in ${filename}`);
const loadStarted = Date.now();
// --reuse --file PATH: measure again on a file an earlier run filled, without creating its tickets anew.
const existing = Number(storage.database.prepare('SELECT count(*) FROM tickets').pluck().get());
if (values.reuse && existing >= size) {
  const latest = storage.database.prepare('SELECT max(created_at) FROM tickets').pluck().get() as number;
  clock.set(new Date(latest));
  console.error(`reusing ${existing.toLocaleString('en-US')} tickets`);
} else {
  await loadTickets(desk, storage, clock, size);
}
const loadSeconds = (Date.now() - loadStarted) / 1000;

const metrics: Metric[] = [
  ...(await readLatency(desk, storage, size, samples)),
  ...(await writeOverhead(desk, storage, values.smoke ? 50 : 300)),
  ...(await memoryFlatness(desk, storage, memoryCommands)),
];
await desk.close();
// The HTTP server opens the file in its own process, once this one has closed it.
metrics.push(
  ...(await httpLoad(filename, {
    connections: httpConnections,
    seconds: httpSeconds,
    warmupSeconds: values.smoke ? 0 : 2,
  })),
);

console.log(`\n${renderResultTable(metrics, { smoke: values.smoke ?? false })}`);
console.log(
  `\n${size.toLocaleString('en-US')} tickets created through the API in ${loadSeconds.toFixed(0)} s (${Math.round(size / loadSeconds)} tickets/s)`,
);

const result = {
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores`,
  size,
  loadSeconds,
  metrics,
  smoke: values.smoke,
};
mkdirSync(dirname(values.json), { recursive: true });
writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
console.log(`results written to ${values.json}`);
if (!values.file) rmSync(dir, { recursive: true, force: true });
