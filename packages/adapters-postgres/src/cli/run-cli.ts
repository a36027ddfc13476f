import { parseArgs } from 'node:util';
import { isTicketkitError } from '@ticketkit/core';
import { postgresStorage } from '../postgres-storage.js';

/** Where the CLI reads its environment and writes its output (a test passes its own). */
export interface CliIo {
  /** Environment variables (`DATABASE_URL`, `TICKETKIT_SCHEMA`). */
  env: Record<string, string | undefined>;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
}

/** The usage text of `ticketkit`. */
export const USAGE = `Usage: ticketkit migrate <status|up> [--url postgres://…] [--schema ticketkit]

  status   list every migration: applied, pending, or changed since it was applied
  up       apply the pending migrations (under an advisory lock: safe while servers start)

  --url     the database (default: $DATABASE_URL)
  --schema  the desk's schema (default: $TICKETKIT_SCHEMA or ticketkit)

Exit codes: 0 done (status: everything applied), 1 failed, 2 usage, 3 status: migrations pending.`;

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
      options: { url: { type: 'string' }, schema: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
