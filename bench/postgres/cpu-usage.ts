import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

/** The name, parent's pid and CPU ticks (own: utime + stime; children: cutime + cstime) of a process, from /proc/PID/stat. */
function processStat(pid: number): { name: string; ppid: number; own: number; children: number } | null {
  try {
    // The name in parentheses (it may hold spaces), then state, ppid, … utime (14), stime, cutime, cstime.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') ')),
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
  const stat = backend ? processStat(backend.pid) : null;
  // A remote server's backend pid may be some other process here: only a local postgres process counts.
  const postmaster = stat?.name.startsWith('postgres') ? stat.ppid : undefined;
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
