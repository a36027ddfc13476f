import { TicketkitError } from '@ticketkit/core';
import type { PgPool } from './pg-types.js';

/** Pool options the adapter passes to `new pg.Pool()` when it opens the pool itself. */
export interface OwnPoolOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Most connections at once. */
  max?: number;
  /** How long a checkout waits for a free connection before failing, in milliseconds. */
  connectionTimeoutMillis?: number;
}

/**
 * Opens a `pg` Pool from a connection string. `pg` is a peer dependency the
 * host installs: without it, this says so by name instead of failing with a
 * module-resolution error.
 */
export async function openPool(
  options: OwnPoolOptions,
  // How `pg` is loaded: a test passes a loader that fails, as a missing package does.
  load: () => Promise<unknown> = () => import('pg'),
): Promise<PgPool> {
  let pg: { default?: { Pool: new (config: object) => PgPool }; Pool?: new (config: object) => PgPool };
  try {
    pg = (await load()) as typeof pg;
  } catch (error) {
    throw new TicketkitError(
      'STORAGE_FAILED',
      "@ticketkit/adapter-postgres needs the 'pg' package: install it with `npm install pg` (it is a peer dependency), or pass your own pool",
      { cause: error },
    );
  }
  const Pool = pg.default?.Pool ?? pg.Pool;
  if (!Pool)
    throw new TicketkitError('STORAGE_FAILED', "The installed 'pg' package has no Pool: install pg 8 or later");
  return new Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
  });
}
