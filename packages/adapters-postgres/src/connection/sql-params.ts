/** Collects the values of one statement and hands out their `$n` placeholders in order. */
export class SqlParams {
  /** The values, in placeholder order. */
  readonly values: unknown[] = [];

  /** Adds a value; returns its placeholder, e.g. `$3`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A page size as LIMIT should see it: a whole number, never negative (shared with the SQLite adapter, in core). */
export { storageBatchSize as batchSize } from '@ticketkit/core';

/** `WHERE a AND b …`, or nothing for no conditions. */
export const whereClause = (conditions: readonly string[]) =>
  conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
