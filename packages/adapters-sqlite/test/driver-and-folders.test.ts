import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createHelpDesk, isTicketkitError } from '@ticketkit/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { loadDriver } from '../src/open-database.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * What a host meets first: a database file in a folder that does not exist yet, a backup into a new folder,
 * and better-sqlite3 (an optional peer dependency) not installed.
 */

let temp: ReturnType<typeof tempDirectory>;
beforeEach(() => {
  temp = tempDirectory();
});
afterEach(() => temp.cleanup());

test('sqliteStorage creates the folders of its file, and backup() the folders of its destination', async () => {
  const filename = join(temp.dir, 'data', 'nested', 'helpdesk.db');
  const storage = sqliteStorage({ filename });
  const desk = await createHelpDesk({ storage });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  const destination = join(temp.dir, 'backups', '2026-12-03', 'helpdesk.db');
  await storage.backup(destination);
  await desk.close();
  expect(existsSync(filename)).toBe(true);
  expect(existsSync(destination)).toBe(true);
});

test('a folder that cannot be created is named in a STORAGE_FAILED error', async () => {
  const storage = sqliteStorage({ filename: temp.file() });
  await storage.init?.();
  // A file where the folder would go: mkdir cannot make it a folder.
  const blocked = join(temp.file(), 'backups', 'copy.db');
  const error = await storage.backup(blocked).catch((caught: unknown) => caught);
  await storage.close?.();
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toContain(join(temp.file(), 'backups'));
});

test('without better-sqlite3 installed, the error names the package to install', () => {
  // A real lookup from a folder where better-sqlite3 cannot be found, as in a host that did not install it.
  const requireElsewhere = createRequire(join(temp.dir, 'host.js'));
  const error = (() => {
    try {
      loadDriver(requireElsewhere);
    } catch (caught) {
      return caught;
    }
  })();
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect((error as Error).message).toContain('npm install better-sqlite3');
  expect(typeof loadDriver()).toBe('function');
});
