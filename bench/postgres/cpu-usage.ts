import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/** utime, stime, cutime, cstime and the parent's pid of a process, from /proc/PID/stat. */
function processStat(pid: number): { ppid: number; own: number; children: number } | null {
  try {
    // After the name in parentheses (which may hold spaces): state, ppid, … utime (14), stime, cutime, cstime.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return {
      ppid: Number(fields[1]),
      own: Number(fields[11]) + Number(fields[12]),
      children: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return null;
  }
}

/**
 * CPU time of the whole PostgreSQL server, in milliseconds, read from /proc
 * (the database runs on this machine in the benchmark): the postmaster with
 * every child it has reaped, plus every live child (backends, WAL writer,
 * checkpointer, autovacuum). Backends that a pool closed mid-run are counted
 * too, through the postmaster's `cutime`; the backends of the
 * `excludeApplicationName` sessions (the benchmark's own monitoring) are left
 * out. `null` when /proc does not show the server (a remote database): the
 * run then reports no database CPU.
 */
export async function postgresServerCpuMs(pool: pg.Pool, excludeApplicationName: string): Promise<number | null> {
  const { rows } = await pool.query<{ pid: number; own: boolean }>(
    'SELECT pid, pid = pg_backend_pid() AS own FROM pg_stat_activity WHERE application_name = $1',
    [excludeApplicationName],
  );
  const backend = rows.find((row) => row.own);
  const postmaster = backend ? processStat(backend.pid)?.ppid : undefined;
  const server = postmaster === undefined ? null : processStat(postmaster);
  if (postmaster === undefined || !server) return null;
  let ticks = server.own + server.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = processStat(Number(entry));
    if (child?.ppid === postmaster) ticks += child.own;
  }
  for (const row of rows) ticks -= processStat(row.pid)?.own ?? 0;
  // Linux reports in USER_HZ, 100 per second on every mainstream build.
  return ticks * 10;
}
