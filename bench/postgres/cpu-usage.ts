import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * CPU time of the PostgreSQL backends serving one application name, in
 * milliseconds, read from /proc (the database runs on this machine in the
 * benchmark). `null` when their /proc entries cannot be read (a remote
 * database): the run then reports no database CPU.
 */
export async function backendCpuMs(pool: pg.Pool, applicationName: string): Promise<number | null> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    applicationName,
  ]);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields 14 and 15 of /proc/PID/stat (utime, stime) in clock ticks; the name in parentheses may hold spaces.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }
  // Linux reports in USER_HZ, 100 per second on every mainstream build.
  return ticks * 10;
}
