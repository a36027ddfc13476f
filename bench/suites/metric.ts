/** One line of the results table. */
export interface Metric {
  /** What was measured. */
  name: string;
  /** The figure. */
  value: number;
  /** Its unit: `× baseline`, `ms p99`, `MB` … */
  unit: string;
  /** The goal: the value must be at most this. */
  goal: number;
  /** How the figure came about. */
  detail: string;
}
