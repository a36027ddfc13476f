import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type RequestParams } from 'autocannon';
import { agentOf, DEPARTMENTS, random } from '../lib/dataset.js';
import { AGENT_HEADER, type ServerMessage, type SuiteMessage } from '../lib/http-server-protocol.js';
import { percentile } from '../lib/stats.js';
import type { Metric } from './metric.js';

/** How hard and how long the HTTP load suite pushes. */
export interface HttpLoadOptions {
  /** Connections autocannon keeps busy, each with one request in flight at a time. */
  connections: number;
  /** Seconds of each measured run. */
  seconds: number;
  /** Seconds of load before each measured run, not counted (JIT, SQLite's cache, sockets). */
  warmupSeconds: number;
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** How the server's SQLite adapter writes: on the event loop (the default) or in its write thread. */
type Writes = 'default' | 'write-thread';

/** Starts bench/lib/http-server.ts on the file in a child process; resolves once it listens. */
async function startServer(filename: string, writes: Writes) {
  const child = fork(fileURLToPath(new URL('../lib/http-server.ts', import.meta.url)), [filename, writes], {
    // BENCH_SERVER_NODE_OPTIONS: extra Node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=prof`.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ServerMessage['type']>(type: T) =>
    new Promise<Extract<ServerMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ServerMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ServerMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the benchmark's HTTP server exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends ServerMessage['type']>(message: SuiteMessage, answer: T) => {
    const answered = next(answer);
    child.send(message);
    return answered;
  };
  const { port } = await next('listening');
  return {
    url: `http://127.0.0.1:${port}`,
    /** The server's CPU time so far and the tickets in its file, once the requests it is working on are done. */
    usage: () => ask('usage', 'usage'),
    /** Tickets the server process opens in `seconds`, calling its desk directly (no HTTP), `concurrency` at a time. */
    direct: (seconds: number, concurrency: number) => ask({ type: 'direct', seconds, concurrency }, 'direct'),
    close: () => ask('close', 'closed'),
    kill: () => child.kill(),
  };
}

/**
 * One bounded autocannon run: `seconds` of load on `connections`
 * connections. Latencies are taken from each response (autocannon's own
 * histogram keeps whole milliseconds only); any answer but a 2xx, or any
 * socket error, fails the run, so a figure never counts refusals.
 */
async function load(url: string, connections: number, seconds: number, request: () => RequestParams) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const start = process.hrtime.bigint();
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (defaults) => ({ ...defaults, ...request() }) }],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await instance;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.errors > 0 || [...statuses.keys()].some((status) => status < 200 || status >= 300)) {
    const answers = [...statuses].map(([status, count]) => `${count} × ${status}`).join(', ');
    throw new Error(`HTTP load on ${url}: ${result.errors} socket errors; answers ${answers}`);
  }
  return { latencies, ok: latencies.length, seconds: elapsed };
}

/** A warm-up, then a measured run with the CPU time both processes spent in it. */
async function measured(server: Server, options: HttpLoadOptions, request: () => RequestParams) {
  const { connections, seconds, warmupSeconds } = options;
  if (warmupSeconds > 0) await load(server.url, connections, warmupSeconds, request);
  const before = await server.usage();
  const ownBefore = process.cpuUsage();
  const run = await load(server.url, connections, seconds, request);
  const own = process.cpuUsage(ownBefore);
  const after = await server.usage();
  const share = (cpuMs: number) => `${Math.round((cpuMs / (run.seconds * 1_000)) * 100)}%`;
  return {
    ...run,
    ticketsBefore: before.tickets,
    created: after.tickets - before.tickets,
    cpu: `CPU: server ${share(after.cpuMs - before.cpuMs)} of a core, autocannon ${share((own.user + own.system) / 1_000)}`,
  };
}

/**
 * A bounded load test over real loopback HTTP against the benchmark's SQLite
 * file: an agent's first page of the open queue, then anonymous intake
 * (`POST /tickets`, a new requester and Idempotency-Key each, as the widget
 * sends them), each for `seconds` on `connections` connections.
 *
 * The server runs in a process of its own, as it would in production, and
 * autocannon in this one: on 2 cores each gets one. In one process the load
 * generator would take its CPU time from the server's event loop, and its
 * own work would count in every latency.
 */
export async function httpLoad(filename: string, options: HttpLoadOptions): Promise<Metric[]> {
  // The default adapter first (the queue page and intake), then intake again with `writeThread: true`.
  const metrics: Metric[] = [];
  for (const writes of ['default', 'write-thread'] as const) {
    const server = await startServer(filename, writes);
    try {
      metrics.push(...(await measure(server, options, writes)));
      await server.close();
    } catch (error) {
      server.kill();
      throw error;
    }
  }
  return metrics;
}

async function measure(server: Server, options: HttpLoadOptions, writes: Writes): Promise<Metric[]> {
  const how = `${options.connections} connections for ${options.seconds} s after ${options.warmupSeconds} s of warm-up, server in its own process`;
  const latency = (name: string, result: Awaited<ReturnType<typeof measured>>, detail: string): Metric => ({
    name,
    value: percentile(result.latencies, 99),
    unit: 'ms p99',
    goal: 50,
    detail: `${detail}; median ${percentile(result.latencies, 50).toFixed(2)} ms, max ${percentile(result.latencies, 100).toFixed(1)} ms over ${result.ok.toLocaleString('en-US')} requests (${Math.round(result.ok / result.seconds).toLocaleString('en-US')}/s); ${result.cpu}; ${how}`,
  });
  const metrics: Metric[] = [];
  if (writes === 'default') {
    const agent = agentOf(3);
    const queue = await measured(server, options, () => ({
      method: 'GET',
      path: '/queues/open?limit=25',
      headers: { [AGENT_HEADER]: agent.id },
    }));
    metrics.push(
      latency(
        'HTTP queue page p99',
        queue,
        `GET /queues/open?limit=25 over loopback as an agent of one department, at ${queue.ticketsBefore.toLocaleString('en-US')} tickets`,
      ),
    );
  }

  // The baseline, in the same process on the same file just before: the desk itself, as many intakes at a time.
  const direct = await server.direct(Math.min(3, options.seconds), options.connections);
  const directRate = direct.tickets / direct.seconds;
  const rng = random(11);
  const subjects = Array.from({ length: 1024 }, () => rng.words(3));
  const bodies = Array.from({ length: 1024 }, () => rng.words(25));
  const run = Date.now().toString(36);
  let sent = 0;
  const intake = await measured(server, options, () => {
    const index = sent++;
    return {
      method: 'POST',
      path: '/tickets',
      // Keys are random-looking and at least 16 characters, as the API requires.
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `load-${run}-${String(index).padStart(12, '0')}`,
      },
      body: JSON.stringify({
        requester: { email: `load-${run}-${index}@example.com`, name: `Load ${index}` },
        subject: subjects[index % 1024],
        body: bodies[index % 1024],
        departmentId: DEPARTMENTS[index % DEPARTMENTS.length],
      }),
    };
  });
  // A request still in flight when the run ends is answered to nobody but opens its ticket: one per connection.
  if (intake.created < intake.ok || intake.created > intake.ok + options.connections) {
    throw new Error(`HTTP load: ${intake.ok} intakes answered 201, but ${intake.created} tickets were opened`);
  }

  const suffix = writes === 'write-thread' ? ' (writeThread)' : '';
  const adapter = writes === 'write-thread' ? 'sqliteStorage({ writeThread: true })' : 'sqliteStorage() as it comes';
  return [
    {
      name: `HTTP intake throughput${suffix}`,
      value: intake.ok / intake.seconds,
      unit: 'tickets/s',
      goal: 2_000,
      better: 'higher',
      detail: `${adapter}: POST /tickets over loopback, anonymous, a new requester and Idempotency-Key each, from ${intake.ticketsBefore.toLocaleString('en-US')} tickets on: ${intake.ok.toLocaleString('en-US')} answered 201 in ${intake.seconds.toFixed(1)} s (${Math.round((100 * intake.ok) / intake.seconds / directRate)}% of the ${Math.round(directRate).toLocaleString('en-US')}/s its process opened just before calling the desk directly, as many at a time: openWithAccessToken); ${intake.cpu}; ${how}`,
    },
    latency(`HTTP intake p99${suffix}`, intake, 'the intake run above'),
    ...metrics,
  ];
}
