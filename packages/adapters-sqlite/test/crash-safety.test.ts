import { once } from 'node:events';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { startFixture } from './support/child-process.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * A writer process is SIGKILLed at random moments, 30 times, on one file.
 * After every kill, every ticket (and every reply) it acknowledged is there,
 * and SQLite's integrity check passes.
 */

const temp = tempDirectory();
afterAll(() => temp.cleanup());
const KILLS = 30;

test(`every acknowledged ticket survives ${KILLS} SIGKILLs`, { timeout: 240_000 }, async () => {
  const acknowledged = new Map<string, number>();
  let inFlightKills = 0;
  for (let round = 1; round <= KILLS; round++) {
    const child = startFixture('crash-writer.ts', [temp.file()]);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const ready = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        if (line === 'ready') resolve();
        const [word, number, entries] = line.split(' ');
        if (word === 'ack' && number)
          acknowledged.set(number, Math.max(acknowledged.get(number) ?? 0, Number(entries)));
      });
    });
    const exited = once(child, 'exit');
    await Promise.race([ready, exited]);
    expect(stderr, `round ${round}: the writer failed to start`).toBe('');
    // Somewhere in the middle of a commit, or between two.
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 250));
    child.kill('SIGKILL');
    const [, signal] = await exited;
    if (signal === 'SIGKILL') inFlightKills++;
    lines.close();

    const db = new Database(temp.file(), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true }), `round ${round}`).toBe('ok');
      const entriesOf = db.prepare(
        "SELECT count(*) FROM ticket_log WHERE kind = 'entry' AND ticket_seq = (SELECT seq FROM tickets WHERE number = ?)",
      );
      const missing = [...acknowledged].filter(([number, entries]) => Number(entriesOf.pluck().get(number)) < entries);
      expect(missing, `round ${round}: acknowledged but lost`).toEqual([]);
    } finally {
      db.close();
    }
  }
  expect(inFlightKills).toBe(KILLS);
  // Enough work happened to make the kills meaningful.
  expect(acknowledged.size).toBeGreaterThan(KILLS * 5);
  console.log(`crash safety: ${KILLS} SIGKILLs, ${acknowledged.size} acknowledged tickets, none lost`);
});
