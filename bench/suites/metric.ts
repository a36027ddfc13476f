/** One line of the results table. */
export interface Metric {
  /** What was measured. */
  name: string;
  /** The figure. */
  value: number;
  /** Its unit: `× baseline`, `ms p99`, `MB` … */
  unit: string;
  /** The goal: the value must be at most this (or at least, see `better`). */
  goal: number;
  /**
   * Which way the figure is better: `lower` (latencies, ratios, memory: at most `goal`)
   * or `higher` (throughput: at least `goal`).
   * @default 'lower'
   */
  better?: 'lower' | 'higher';
  /** How the figure came about. */
  detail: string;
}

/** Whether a figure meets its goal. */
export function meetsGoal(metric: Metric): boolean {
  return metric.better === 'higher' ? metric.value >= metric.goal : metric.value <= metric.goal;
}

/** The goal as the table shows it: `≤ 2`, `≥ 2000`. */
export function goalText(metric: Metric): string {
  return `${metric.better === 'higher' ? '≥' : '≤'} ${metric.goal}`;
}
