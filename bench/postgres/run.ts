import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { renderResultTable } from '../lib/result-table.js';
import { postgresHttpIntake } from './http-intake.js';

/** What `npm run bench -- --adapter postgres` takes from the command line. */
export interface PostgresBenchOptions {
  /** Tickets loaded before the latencies are measured. */
  size: number;
  /** Of those, how many are created through the API; the rest are copied in SQL (bench/postgres/bulk-load.ts). */
  apiTickets: number;
  /** Samples per latency. */
  samples: number;
  /** Seconds of each HTTP run. */
  httpSeconds: number;
  /** Connections of each HTTP run, shared between the servers. */
  httpConnections: number;
  /** Seconds of unmeasured load before each HTTP run. */
  httpWarmupSeconds: number;
  /** Cap each HTTP app process at this share of one core (cgroup quota); unset: no cap. */
  appCpu?: number | undefined;
  /** `latency` or `http`: that suite alone. */
  only?: string | undefined;
  /** Load into (or reuse) this schema instead of a new one. */
  schema?: string | undefined;
  /** Leave the loaded schema in place for another run. */
  keep?: boolean | undefined;
  /** Where the JSON of the results goes. */
  json: string;
  /** A run too small and short to judge (inside `npm test`): the table shows no verdicts. */
  smoke?: boolean | undefined;
}

/**
 * The PostgreSQL benchmark: the adapter's latencies through the public API
 * (bench/postgres-latency.ts, on a schema of its own), then HTTP intake
 * throughput with 1, 2 and 3 app processes on one schema. The database is
 * $DATABASE_URL or the local test server. Writes every figure as JSON to
 * `--json`, as the SQLite benchmark does.
 */
export async function runPostgresBench(options: PostgresBenchOptions): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (options.only !== undefined && options.only !== 'latency' && options.only !== 'http') {
    throw new Error('--only must be latency or http');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'ticketkit-pg-bench-'));
  const latencyJson = join(scratch, 'latency.json');
  let latency: { size: number; load: Record<string, unknown>; figures: unknown[] } | null = null;
  if (options.only !== 'http') {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../postgres-latency.ts', import.meta.url)),
        ...['--size', String(options.size), '--samples', String(options.samples), '--url', url],
        ...['--api-tickets', String(options.apiTickets), '--json', latencyJson],
        ...(options.schema ? ['--schema', options.schema] : []),
        ...(options.keep ? ['--keep'] : []),
      ],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) throw new Error(`bench/postgres-latency.ts failed (${child.status})`);
    latency = JSON.parse(readFileSync(latencyJson, 'utf8'));
  }
  rmSync(scratch, { recursive: true, force: true });
  const http =
    options.only === 'latency'
      ? []
      : await postgresHttpIntake({
          url,
          connections: options.httpConnections,
          seconds: options.httpSeconds,
          warmupSeconds: options.httpWarmupSeconds,
          appCpu: options.appCpu,
        });
  if (http.length) console.log(`\n${renderResultTable(http, { smoke: options.smoke ?? false })}`);
  const result = {
    command: ['npm run bench', '--', ...process.argv.slice(2)].join(' '),
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}, ${cpus().length} cores`,
    database: (await serverVersion(url)) ?? 'PostgreSQL',
    // The machine's load when the run ended: the benchmark shares its cores with whatever else runs.
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    size: options.size,
    load: latency?.load ?? null,
    metrics: [...(latency?.figures ?? []), ...http],
  };
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results written to ${options.json}`);
}

async function serverVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? null;
  } finally {
    await client.end();
  }
}
