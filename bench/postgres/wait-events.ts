import type pg from 'pg';

/**
 * What the app servers' PostgreSQL sessions are doing while a run lasts:
 * `pg_stat_activity` sampled every few milliseconds, counted by state and
 * wait event (`active`, `idle in transaction`, `Lock:transactionid`,
 * `IO:WalSync` …). A run whose sessions mostly wait on `Lock` is serialized
 * on rows; one that is mostly `idle in transaction` waits on round trips;
 * `IO:WalSync`/`LWLock:WALWrite` is the commit's flush.
 */
export function sampleWaitEvents(pool: pg.Pool, applicationName: string, everyMs = 5) {
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await pool.query<{ what: string; n: string }>(
        `SELECT state || coalesce(' ' || wait_event_type || ':' || wait_event, '') AS what, count(*) AS n
          FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle' GROUP BY 1`,
        [applicationName],
      );
      samples += 1;
      for (const row of rows) counts.set(row.what, (counts.get(row.what) ?? 0) + Number(row.n));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    /** Stops sampling; returns each state's average number of sessions in it, busiest first. */
    async stop(): Promise<string> {
      stopped = true;
      await loop;
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${what} ${(n / Math.max(1, samples)).toFixed(1)}`)
        .join(', ');
    },
  };
}
