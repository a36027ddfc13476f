import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { renderResultTable } from '../lib/result-table.js';
import { postgresHttpIntake } from './http-intake.js';

/** What `npm run bench -- --adapter postgres` takes from the command line. */
export interface PostgresBenchOptions {
  /** Tickets loaded before the latencies are measured. */
  size: number;
  /** Samples per latency. */
  samples: number;
  /** Seconds of each HTTP run. */
  httpSeconds: number;
  /** Connections of each HTTP run, shared between the servers. */
  httpConnections: number;
  /** Seconds of unmeasured load before each HTTP run. */
  httpWarmupSeconds: number;
  /** `latency` or `http`: that suite alone. */
  only?: string | undefined;
  /** Where the JSON of the results goes. */
  json: string;
}

/**
 * The PostgreSQL benchmark: the adapter's latencies through the public API
 * (bench/postgres-latency.ts, on a schema of its own), then HTTP intake
 * throughput with 1, 2 and 3 app processes on one schema. The database is
 * $DATABASE_URL or the local test server.
 */
export async function runPostgresBench(options: PostgresBenchOptions): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (options.only !== undefined && options.only !== 'latency' && options.only !== 'http') {
    throw new Error('--only must be latency or http');
  }
  const latency =
    options.only === 'http'
      ? { status: 0 }
      : spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(new URL('../postgres-latency.ts', import.meta.url)),
            '--size',
            String(options.size),
            '--samples',
            String(options.samples),
            '--url',
            url,
          ],
          { stdio: 'inherit' },
        );
  if (latency.status !== 0) throw new Error(`bench/postgres-latency.ts failed (${latency.status})`);
  if (options.only === 'latency') return;
  const metrics = await postgresHttpIntake({
    url,
    connections: options.httpConnections,
    seconds: options.httpSeconds,
    warmupSeconds: options.httpWarmupSeconds,
  });
  console.log(`\n${renderResultTable(metrics, { smoke: false })}`);
}
