import { runStorageConformance } from '@ticketkit/core/testing';
import { afterAll, test } from 'vitest';
import { conformanceTarget, testPool } from './support/temp-schema.js';

// One pool for the adapters and one for the backdoor, shared by every test; each test has its own
// schema, so the tests run five at a time (creating and dropping a schema is most of a test's time).
const pool = testPool(20);
const raw = testPool(5);
afterAll(async () => {
  await pool.end();
  await raw.end();
});

const concurrently = Object.assign(
  (name: string, fn: () => Promise<void>, timeout?: number) => test.concurrent(name, fn, timeout),
  { skip: (name: string, fn: () => Promise<void>) => test.skip(name, fn) },
);

runStorageConformance(concurrently, conformanceTarget(pool, raw), { concurrency: 8 });
