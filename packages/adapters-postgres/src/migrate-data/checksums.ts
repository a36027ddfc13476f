import { createHash } from 'node:crypto';

/** JSON with every object's keys sorted: the same record gives the same text, however it was stored. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How many records a table holds, and a checksum of them in any order. */
export interface TableSum {
  /** Records counted. */
  count: number;
  /** Sum of each record's SHA-256 (first 128 bits) modulo 2^128, in hex. */
  checksum: string;
}

const MODULUS = 1n << 128n;

/**
 * Per-table checksums that do not depend on the order records are read in:
 * each record's SHA-256 over its canonical JSON, summed. Both sides read
 * their tables in their own order (the SQLite log and PostgreSQL's tables
 * are laid out differently) and still agree when they hold the same records.
 */
export class Tally {
  private readonly sums = new Map<string, { count: number; sum: bigint }>();

  /** Adds one record of `table`. */
  add(table: string, record: unknown): void {
    const digest = createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32);
    const current = this.sums.get(table) ?? { count: 0, sum: 0n };
    current.count += 1;
    current.sum = (current.sum + BigInt(`0x${digest}`)) % MODULUS;
    this.sums.set(table, current);
  }

  /** The figures of `table` (zero when nothing was added). */
  get(table: string): TableSum {
    const current = this.sums.get(table) ?? { count: 0, sum: 0n };
    return { count: current.count, checksum: current.sum.toString(16).padStart(32, '0') };
  }
}
