import { runStorageConformance } from '@ticketkit/core/testing';
import { test } from 'vitest';
import { conformanceTarget } from './support/temp-database.js';

// The whole kit again with the writes in the write thread: every write crosses to the thread's connection, every
// read stays on the host's, and the answers (errors included) must be those of the adapter without it.
runStorageConformance(test, conformanceTarget({ writeThread: true }), { concurrency: 8 });
