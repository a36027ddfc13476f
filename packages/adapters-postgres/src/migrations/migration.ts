/**
 * One step of the schema. `sql` names tables as `{{schema}}.name`; the
 * runner puts the quoted schema in. The checksum covers this text, so the
 * same migration has the same checksum in every schema.
 */
export interface Migration {
  /** 1, 2, 3 … in order, never reused. */
  version: number;
  /** What it does, for `ticketkit migrate status`. */
  name: string;
  /** The statements, run in one transaction. */
  sql: string;
}
