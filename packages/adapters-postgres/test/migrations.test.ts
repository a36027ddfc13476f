import { isTicketkitError } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { openPool } from '../src/connection/load-pg.js';
import { MIGRATIONS, postgresStorage, SCHEMA_VERSION } from '../src/index.js';
import { DATABASE_URL, dropSchema, schemaName, testPool } from './support/temp-schema.js';

const raw = testPool(4);
const schemas: string[] = [];
const fresh = () => {
  const schema = schemaName('tk_migrate');
  schemas.push(schema);
  return schema;
};
afterAll(async () => {
  for (const schema of schemas) await dropSchema(raw, schema);
  await raw.end();
});

const recorded = async (schema: string) =>
  (await raw.query(`SELECT version, name, checksum FROM "${schema}".ticketkit_migrations ORDER BY version`)).rows;

test('six servers starting at once on a new schema migrate it once', async () => {
  const schema = fresh();
  // Each server has its own pool, as separate processes would: six connections race for the lock.
  const servers = Array.from({ length: 6 }, () => postgresStorage({ connectionString: DATABASE_URL, schema, max: 2 }));
  const results = await Promise.all(servers.map((server) => server.migrate()));
  expect(results.flatMap((result) => result.applied)).toEqual(MIGRATIONS.map((migration) => migration.version));
  expect(results.every((result) => result.to === SCHEMA_VERSION)).toBe(true);
  expect((await recorded(schema)).map((row) => row.version)).toEqual([1, 2]);
  // init() of every server afterwards finds nothing to do, and they all work on the one schema.
  await Promise.all(servers.map((server) => server.init()));
  await Promise.all(servers.map((server, index) => server.nextSequence(`n${index % 2}`)));
  expect(await servers[0]?.nextSequence('n0')).toBe(4);
  await Promise.all(servers.map((server) => server.close()));
});

test('an applied migration that was changed is refused clearly, and nothing is touched', async () => {
  const schema = fresh();
  const storage = postgresStorage({ pool: raw, schema });
  await storage.init();
  await raw.query(`UPDATE "${schema}".ticketkit_migrations SET checksum = 'edited' WHERE version = 1`);
  const refused = await storage.init().catch((error: unknown) => error);
  expect(isTicketkitError(refused, 'STORAGE_FAILED')).toBe(true);
  expect(String((refused as Error).message)).toMatch(/Migration 1 \(initial schema\).*changed/);
  expect((await storage.migrationStatus())[0]?.state).toBe('changed');
  expect((await recorded(schema))[0]?.checksum).toBe('edited');
});

test('a schema migrated by a newer adapter is refused; migrate: false only checks', async () => {
  const schema = fresh();
  const storage = postgresStorage({ pool: raw, schema, migrate: false });
  await expect(storage.init()).rejects.toThrow(/not up to date \(1 pending, 2 pending\).*ticketkit migrate up/);
  await storage.migrate();
  await storage.init();
  await raw.query(
    `INSERT INTO "${schema}".ticketkit_migrations (version, name, checksum) VALUES (${SCHEMA_VERSION + 1}, 'from the future', 'x')`,
  );
  await expect(postgresStorage({ pool: raw, schema }).init()).rejects.toThrow(/newer @ticketkit\/adapter-postgres/);
});

test('ticketkit migrate status and up', async () => {
  const schema = fresh();
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      env: { DATABASE_URL },
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const before = await run('migrate', 'status', '--schema', schema);
  expect(before).toMatchObject({ code: 3, err: '' });
  expect(before.out).toMatch(/1 {2}pending {2}initial schema/);
  const up = await run('migrate', 'up', '--schema', schema);
  expect(up).toMatchObject({
    code: 0,
    out: `Applied migration 1, migration 2 in schema "${schema}": now at version 2.`,
  });
  expect((await run('migrate', 'up', '--schema', schema)).out).toMatch(/up to date at version 2: nothing to apply/);
  const after = await run('migrate', 'status', '--schema', schema);
  expect(after.code).toBe(0);
  expect(after.out).toMatch(/1 {2}applied {2}initial schema/);
  expect(await run('migrate', 'sideways')).toMatchObject({ code: 2 });
  expect((await run('migrate', 'up', '--schema', 'Bad-Name')).err).toMatch(
    /schema must be a lower-case SQL identifier/,
  );
  const unreachable = await run('migrate', 'status', '--url', 'postgres://postgres@127.0.0.1:1/test');
  expect(unreachable.code).toBe(1);
  expect(unreachable.err).toMatch(/connection to PostgreSQL failed/);
});

test('without pg and without a pool, the error names what to install or pass', async () => {
  expect(() => postgresStorage({} as never)).toThrow(/pool or connectionString/);
  expect(() => postgresStorage({ pool: {} as never })).toThrow(/must be a pg Pool/);
  expect(() => postgresStorage({ pool: raw, schema: 'drop table' })).toThrow(/schema must be/);
});

test('without the pg package, opening a pool from a connection string says to install pg', async () => {
  const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
  const error = await openPool({ connectionString: DATABASE_URL }, () => Promise.reject(missing)).catch(
    (caught: unknown) => caught,
  );
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toMatch(/needs the 'pg' package: install it with `npm install pg`/);
  expect((error as Error).cause).toBe(missing);
});
