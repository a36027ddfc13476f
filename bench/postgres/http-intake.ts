import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { createHelpDesk } from '@ticketkit/core';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEPARTMENTS, random } from '../lib/dataset.js';
import { percentile } from '../lib/stats.js';
import type { Metric } from '../suites/metric.js';
import { capCpu } from './cpu-cap.js';
import { postgresServerCpuMs } from './cpu-usage.js';
import { sampleWaitEvents } from './wait-events.js';

/** How hard and how long the PostgreSQL HTTP intake suite pushes. */
export interface PostgresHttpOptions {
  /** The database. */
  url: string;
  /** Connections autocannon keeps busy in all, shared between the servers. */
  connections: number;
  /** Seconds of each measured run. */
  seconds: number;
  /** Seconds of unmeasured load before each measured run. */
  warmupSeconds: number;
  /** How many app processes each run has, in order. @default [1, 2, 3] */
  processes?: readonly number[];
  /** Cap each app process at this share of one core (cgroup CPU quota, bench/postgres/cpu-cap.ts); unset: no cap. */
  appCpu?: number | undefined;
}

// The application name of the runner's own sessions, whose backends the database CPU leaves out.
const MONITOR = 'ticketkit-bench-monitor';

/** Subjects and bodies the requests take turns with. */
function requestTexts() {
  const rng = random(11);
  return {
    subjects: Array.from({ length: 256 }, () => rng.words(3)),
    bodies: Array.from({ length: 256 }, () => rng.words(25)),
  };
}

/**
 * `seconds` of intake on the servers at `ports`, `connections` in all: each
 * request a new requester and Idempotency-Key. Returns every latency; any
 * answer but a 201 fails the run.
 */
async function intakeLoad(
  ports: readonly number[],
  connections: number,
  seconds: number,
  texts: ReturnType<typeof requestTexts>,
) {
  const run = `${ports.length}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  let sent = 0;
  const latencies: number[] = [];
  const results = await Promise.all(
    ports.map((port) => {
      const instance = autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: Math.max(1, Math.round(connections / ports.length)),
        duration: seconds,
        requests: [
          {
            setupRequest: (defaults) => {
              const index = sent++;
              return {
                ...defaults,
                method: 'POST',
                path: '/tickets',
                headers: { 'content-type': 'application/json', 'idempotency-key': `load-${run}-${index}` },
                body: JSON.stringify({
                  requester: { email: `load-${run}-${index}@example.com`, name: `Load ${index}` },
                  subject: texts.subjects[index % 256],
                  body: texts.bodies[index % 256],
                  departmentId: DEPARTMENTS[index % DEPARTMENTS.length],
                }),
              };
            },
          },
        ],
      });
      const statuses = new Map<number, number>();
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
      return instance.then((result) => ({ result, statuses }));
    }),
  );
  for (const { result, statuses } of results) {
    if (result.errors > 0 || [...statuses.keys()].some((status) => status !== 201)) {
      const answers = [...statuses].map(([status, count]) => `${count} × ${status}`).join(', ');
      throw new Error(`PostgreSQL HTTP intake: ${result.errors} socket errors; answers ${answers}`);
    }
  }
  return latencies;
}

function startServer(url: string, schema: string, appCpu: number | undefined) {
  const child = fork(fileURLToPath(new URL('./http-server.ts', import.meta.url)), [url, schema, schema], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let uncap = () => {};
  if (appCpu !== undefined && child.pid !== undefined) {
    try {
      uncap = capCpu(child.pid, appCpu);
    } catch (error) {
      child.kill();
      throw error;
    }
  }
  child.once('exit', () => uncap());
  const next = (type: string) =>
    new Promise<{ type: string; port?: number; cpuMs?: number }>((resolve, reject) => {
      child.on('message', (message: { type: string; port?: number; cpuMs?: number }) => {
        if (message.type === type) resolve(message);
      });
      child.once('exit', (code) => reject(new Error(`a benchmark HTTP server exited (${code})`)));
    });
  return {
    port: next('listening').then((message) => message.port as number),
    /** CPU milliseconds the server process has used so far. */
    cpuMs: () => {
      const answer = next('cpu');
      child.send('cpu');
      return answer.then((message) => message.cpuMs as number);
    },
    close: () => {
      const closed = next('closed');
      child.send('close');
      return closed;
    },
    kill: () => child.kill(),
  };
}

/**
 * Intake throughput over loopback HTTP with 1, 2 and 3 app processes on one
 * PostgreSQL schema: `POST /tickets`, anonymous, a new requester and
 * Idempotency-Key each, `connections` in all spread over the servers, for
 * `seconds` each. Any answer but a 201 fails the run.
 */
export async function postgresHttpIntake(options: PostgresHttpOptions): Promise<Metric[]> {
  const schema = `tk_bench_http_${randomBytes(4).toString('hex')}`;
  // Connections kept open: the database CPU leaves these backends out by name, which it can only while they live.
  const pool = new pg.Pool({ connectionString: options.url, max: 3, application_name: MONITOR, idleTimeoutMillis: 0 });
  // The app servers' CPU and the whole database server's (all of it serves them: run the benchmark alone).
  const cpuOf = async (servers: ReturnType<typeof startServer>[]) => ({
    app: (await Promise.all(servers.map((server) => server.cpuMs()))).reduce((sum, ms) => sum + ms, 0),
    database: await postgresServerCpuMs(pool, MONITOR),
  });
  const texts = requestTexts();
  const metrics: Metric[] = [];
  let baseline = 0;
  try {
    // The departments intake names, as the SQLite benchmark's desk has them.
    const setup = await createHelpDesk({ storage: postgresStorage({ pool, schema }) });
    for (const id of DEPARTMENTS) await setup.departments.upsert({ id, name: id });
    await setup.close();
    for (const processes of options.processes ?? [1, 2, 3]) {
      const servers: ReturnType<typeof startServer>[] = [];
      try {
        for (let i = 0; i < processes; i++) servers.push(startServer(options.url, schema, options.appCpu));
      } catch (error) {
        for (const server of servers) server.kill();
        throw error;
      }
      try {
        const ports = await Promise.all(servers.map((server) => server.port));
        // Each new process compiles and optimises its hot paths on its first requests: warm them up first,
        // unmeasured, as the SQLite HTTP suite does.
        // A capped process compiles with the same share of a core as it serves: its warm-up lasts longer by as much.
        const warmup = options.warmupSeconds / Math.min(1, options.appCpu ?? 1);
        if (warmup > 0) await intakeLoad(ports, options.connections, warmup, texts);
        const cpuBefore = await cpuOf(servers);
        const benchCpu = process.cpuUsage();
        const waits = sampleWaitEvents(pool, schema);
        const started = process.hrtime.bigint();
        const latencies = await intakeLoad(ports, options.connections, options.seconds, texts);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const waited = await waits.stop();
        const { user, system } = process.cpuUsage(benchCpu);
        const cpuAfter = await cpuOf(servers);
        const perTicket = (ms: number | null) =>
          ms === null ? 'n/a' : `${(ms / Math.max(1, latencies.length)).toFixed(2)} ms`;
        const cpu = `CPU per ticket: app ${perTicket(cpuAfter.app - cpuBefore.app)}, PostgreSQL ${perTicket(
          cpuAfter.database === null || cpuBefore.database === null ? null : cpuAfter.database - cpuBefore.database,
        )}, load generator ${perTicket((user + system) / 1000)}`;
        const rate = latencies.length / seconds;
        if (processes === 1) baseline = rate;
        metrics.push({
          name: `PostgreSQL HTTP intake, ${processes} process${processes > 1 ? 'es' : ''}`,
          value: rate,
          unit: 'tickets/s',
          goal: processes === 1 ? 0 : Math.round(baseline),
          better: 'higher',
          detail: `${latencies.length.toLocaleString('en-US')} answered 201 in ${seconds.toFixed(1)} s; p99 ${percentile(latencies, 99).toFixed(1)} ms, median ${percentile(latencies, 50).toFixed(1)} ms; ${options.connections} connections over ${processes} app process(es) on one schema${options.appCpu === undefined ? '' : `, each capped at ${options.appCpu} core`}${processes > 1 ? `; ${(rate / baseline).toFixed(2)}× one process` : ''}; ${cpu}; sessions (average): ${waited}`,
        });
        await Promise.all(servers.map((server) => server.close()));
      } catch (error) {
        for (const server of servers) server.kill();
        throw error;
      }
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
  return metrics;
}
