import type { PgQueryable } from './pg-types.js';
import { SqlParams } from './sql-params.js';

/**
 * Several writes sent as one statement: each a data-modifying CTE
 * (`WITH w0 AS (INSERT …), w1 AS (UPDATE … RETURNING …) SELECT …`), with one
 * list of parameters. A commit is then one round trip instead of one per
 * table: on a busy server each round trip is a context switch on both sides
 * and a statement PostgreSQL parses and plans, and it keeps the
 * transaction's row locks held while the app answers.
 */
export class StatementBatch {
  /** The parameters of every write, in placeholder order. */
  readonly params = new SqlParams();
  private readonly writes: string[] = [];

  /** Adds a write (nothing for `null`); returns the name its `RETURNING` rows go by in later writes and in `run`. */
  write(statement: string | null): string {
    const name = `w${this.writes.length}`;
    if (statement !== null) this.writes.push(`${name} AS (${statement})`);
    return name;
  }

  /** Runs every write and the `select` list (say `EXISTS (SELECT FROM w0)`) as one statement. */
  async run<Row>(client: PgQueryable, select: string): Promise<Row> {
    const withClause = this.writes.length ? `WITH ${this.writes.join(',\n')}\n` : '';
    const { rows } = await client.query<Row>(`${withClause}SELECT ${select}`, this.params.values);
    return rows[0] as Row;
  }
}

/** Runs one statement built by `build` on its own parameters, unless it builds none. */
export async function runBuilt(client: PgQueryable, build: (params: SqlParams) => string | null): Promise<void> {
  const params = new SqlParams();
  const text = build(params);
  if (text !== null) await client.query(text, params.values);
}
