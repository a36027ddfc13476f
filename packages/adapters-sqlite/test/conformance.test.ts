import { runStorageConformance } from '@ticketkit/core/testing';
import { test } from 'vitest';
import { conformanceTarget } from './support/temp-database.js';

runStorageConformance(test, conformanceTarget(), { concurrency: 8 });
