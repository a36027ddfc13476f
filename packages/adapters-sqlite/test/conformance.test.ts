import { runStorageConformance } from '@ticketkit/core/testing';
import { test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { sqliteBackdoor, tempDirectory } from './support/temp-database.js';

runStorageConformance(test, async () => {
  const temp = tempDirectory();
  const adapter = sqliteStorage({ filename: temp.file() });
  // The file must have its schema before the read-only backdoor connection opens it.
  await adapter.init?.();
  const backdoor = sqliteBackdoor(temp.file());
  return {
    adapter,
    backdoor,
    cleanup: async () => {
      backdoor.close();
      await adapter.close?.();
      temp.cleanup();
    },
  };
});
