/** One forward-only step of the schema. */
export interface Migration {
  /** Applied in order; the schema's version is the highest applied. */
  version: number;
  /** What it does, for the migrations table and error messages. */
  name: string;
  /** The statements. */
  sql: string;
}
