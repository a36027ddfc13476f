import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './sqlite-database.js';

/** How the background worker runs. */
export interface BackgroundWorkerSettings {
  synchronous: string;
  busyTimeout: number;
  /** How often the worker checkpoints, in milliseconds. */
  intervalMs: number;
  /**
   * WAL pages past which the connection itself checkpoints after a commit,
   * as SQLite does at 1,000 by default: under sustained writes the WAL only
   * starts over once a checkpoint has caught up with the last commit, and the
   * worker's checkpoints, racing the writes, rarely do. By then the worker
   * has copied nearly every page, so the connection's checkpoint is short.
   */
  inlineAbovePages: number;
}

// Plain JavaScript for an eval'd worker: it runs the same from the TypeScript sources (tests) as from dist,
// with the driver the adapter itself loaded, by absolute path.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeout);
db.pragma('synchronous = ' + workerData.synchronous);
// Only checkpoints: a write by this connection would make the adapter's connection drop its whole page cache
// (SQLite resets a connection's cache when another one has written).
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    // PASSIVE copies what it can without waiting for anyone: writers never wait for the worker.
    checkpoint.run();
  } catch (error) {
    clearInterval(timer);
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // No last checkpoint: the adapter's own connection closes next, and SQLite checkpoints as the last one closes.
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ type: 'closed' });
  parentPort.close();
});
`;

/** The worker of one connection: `close()` stops it. */
export interface BackgroundWorker {
  close(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop, into a worker thread with a
 * connection of its own. By default SQLite checkpoints inside the commit that
 * crosses 1,000 WAL pages: that commit copies the pages into the database
 * file and fsyncs it, on the thread that answers requests — measured under
 * HTTP intake load, a third of the server's time. Should the worker fail,
 * `onError` is told, and the connection checkpoints itself again (as SQLite
 * does by default).
 */
export function startBackgroundWorker(
  db: SqliteDatabase,
  settings: BackgroundWorkerSettings,
  onError: (message: string) => void,
): BackgroundWorker {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      filename: db.name,
      synchronous: settings.synchronous,
      busyTimeout: settings.busyTimeout,
      intervalMs: settings.intervalMs,
    },
  });
  db.pragma(`wal_autocheckpoint = ${settings.inlineAbovePages}`);
  let running = true;
  const fallBack = (message: string) => {
    if (!running) return;
    running = false;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    onError(message);
  };
  const closed = new Promise<void>((resolve) => {
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') fallBack(message.message ?? 'unknown error');
      if (message.type === 'closed') resolve();
    });
    worker.on('error', (error) => fallBack(error.message));
    worker.on('exit', () => {
      fallBack('the background worker exited');
      resolve();
    });
  });
  // The worker never keeps a process alive that has nothing else to do (unref after the listeners: adding a
  // 'message' listener refs the worker's port again).
  worker.unref();
  return {
    async close() {
      // Held again while it shuts down: a process awaiting close() must not end before the worker answers.
      worker.ref();
      if (running) worker.postMessage('close');
      running = false;
      await closed;
      await worker.terminate();
    },
  };
}
