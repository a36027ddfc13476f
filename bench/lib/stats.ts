/** Timing and summary helpers: percentiles over repeated samples. */

/** The p-th percentile (0–100) of samples, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median of samples. */
export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Milliseconds spent in `run`, with a high-resolution clock. */
export async function timeMs(run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `run` `count` times and returns each duration in milliseconds. */
export async function sampleMs(count: number, run: (index: number) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) samples.push(await timeMs(() => run(index)));
  return samples;
}

/** A number formatted for the results table. */
export function format(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}
