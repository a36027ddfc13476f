import { parseArgs } from 'node:util';
import { isTicketkitError } from '@ticketkit/core';
import { migrateData, type ProgressStream } from '../migrate-data/index.js';
import { postgresStorage } from '../postgres-storage.js';

/** Where the CLI reads its environment and writes its output (a test passes its own). */
export interface CliIo {
  /** Environment variables (`DATABASE_URL`, `TICKETKIT_SCHEMA`). */
  env: Record<string, string | undefined>;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Where `migrate-data` draws its progress (standard error in the bin); none without it. */
  progress?: ProgressStream;
}

/** The usage text of `ticketkit`. */
export const USAGE = `Usage: ticketkit migrate <status|up> [--url postgres://…] [--schema ticketkit]
       ticketkit migrate-data --from sqlite:./desk.db [--to postgres://…] [--schema ticketkit] [--force]
                              [--batch-size 200] [--search-language english]

  status   list every migration: applied, pending, or changed since it was applied
  up       apply the pending migrations (under an advisory lock: safe while servers start)

  migrate-data  copy a SQLite desk into the schema (needs @ticketkit/adapter-sqlite), then verify every
                table's count and checksum. Safe to re-run: it completes an interrupted copy and skips
                what is copied. A schema holding other data is refused unless --force (which empties it).

  --url, --to   the database (default: $DATABASE_URL)
  --schema      the desk's schema (default: $TICKETKIT_SCHEMA or ticketkit)

Exit codes: 0 done (status: everything applied; migrate-data: copied and verified), 1 failed
(migrate-data: a table differs), 2 usage, 3 status: migrations pending, 4 migrate-data: target refused.`;

/**
 * Runs `ticketkit migrate status|up`; resolves to the exit code. Kept apart
 * from the bin file so tests run it in-process and in a child process alike.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        schema: { type: 'string' },
        force: { type: 'boolean' },
        'batch-size': { type: 'string' },
        'search-language': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const [command, action, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  if (command === 'migrate-data' && !action) return runMigrateData(parsed.values, io);
  if (command !== 'migrate' || (action !== 'status' && action !== 'up') || rest.length) {
    io.err(USAGE);
    return 2;
  }
  const url = parsed.values.url ?? io.env.DATABASE_URL;
  if (!url) {
    io.err('ticketkit migrate: give the database with --url postgres://… or DATABASE_URL');
    return 2;
  }
  const schema = parsed.values.schema ?? io.env.TICKETKIT_SCHEMA ?? 'ticketkit';
  try {
    const storage = postgresStorage({ connectionString: url, schema, max: 2, migrate: false });
    try {
      if (action === 'up') {
        const result = await storage.migrate();
        io.out(
          result.applied.length
            ? `Applied ${result.applied.map((version) => `migration ${version}`).join(', ')} in schema "${schema}": now at version ${result.to}.`
            : `Schema "${schema}" is up to date at version ${result.to}: nothing to apply.`,
        );
        return 0;
      }
      const states = await storage.migrationStatus();
      io.out(`Schema "${schema}":`);
      for (const state of states) {
        io.out(
          `  ${String(state.version).padStart(3)}  ${state.state.padEnd(8)} ${state.name}${state.appliedAt ? `  (${state.appliedAt})` : ''}`,
        );
      }
      if (states.some((state) => state.state === 'changed' || state.state === 'unknown')) return 1;
      return states.some((state) => state.state === 'pending') ? 3 : 0;
    } finally {
      await storage.close();
    }
  } catch (error) {
    io.err(`ticketkit migrate ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return isTicketkitError(error, 'VALIDATION_FAILED') ? 2 : 1;
  }
}

interface CliValues {
  url?: string;
  to?: string;
  from?: string;
  schema?: string;
  force?: boolean;
  'batch-size'?: string;
  'search-language'?: string;
}

/** `ticketkit migrate-data`: copies a SQLite desk, prints the verification table; resolves to the exit code. */
async function runMigrateData(values: CliValues, io: CliIo): Promise<number> {
  const url = values.to ?? values.url ?? io.env.DATABASE_URL;
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  const problem = !values.from
    ? 'give the SQLite desk with --from sqlite:./desk.db'
    : !url
      ? 'give the database with --to postgres://… or DATABASE_URL'
      : batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)
        ? '--batch-size must be a whole number above 0'
        : null;
  if (problem || !values.from || !url) {
    io.err(`ticketkit migrate-data: ${problem}\n\n${USAGE}`);
    return 2;
  }
  const schema = values.schema ?? io.env.TICKETKIT_SCHEMA ?? 'ticketkit';
  try {
    const result = await migrateData({
      from: values.from,
      to: url,
      schema,
      force: values.force ?? false,
      batchSize,
      searchLanguage: values['search-language'] ?? null,
      progress: io.progress,
    });
    io.out(`Copied ${result.copiedTickets} tickets into schema "${schema}" (${result.skippedTickets} already there).`);
    io.out(`  ${'table'.padEnd(18)} ${'source'.padStart(8)} ${'target'.padStart(8)}  checksum`);
    for (const table of result.tables) {
      io.out(
        `  ${table.table.padEnd(18)} ${String(table.source.count).padStart(8)} ${String(table.target.count).padStart(8)}  ${table.matches ? 'ok' : `DIFFERS (${table.source.checksum} ≠ ${table.target.checksum})`}`,
      );
    }
    if (result.verified) return 0;
    io.err('ticketkit migrate-data: the target differs from the source (see above); was the app writing to either?');
    return 1;
  } catch (error) {
    io.err(`ticketkit migrate-data: ${error instanceof Error ? error.message : String(error)}`);
    if (isTicketkitError(error, 'CONFLICT')) return 4;
    return isTicketkitError(error, 'VALIDATION_FAILED') ? 2 : 1;
  }
}
