import { runStorageConformance } from '@ticketkit/core/testing';
import { afterAll, test } from 'vitest';
import { conformanceTarget, testPool } from './support/temp-schema.js';

// One pool for the adapters and one for the backdoor, shared by every test; each test has its own schema.
const pool = testPool();
const raw = testPool(2);
afterAll(async () => {
  await pool.end();
  await raw.end();
});

runStorageConformance(test, conformanceTarget(pool, raw));
