import { Worker } from 'node:worker_threads';
import { isTicketkitError, TicketkitError } from '@ticketkit/core';
import type { SqliteStorageOptions } from './sqlite-storage-options.js';

/**
 * The adapter's methods that write. With `writeThread`, they run in the
 * write thread's connection; every other method reads in the host's.
 * `listPendingOutbox` is here because it may move the dispatch cursor.
 */
export const WRITE_METHODS = [
  'commit',
  'nextSequence',
  'listPendingOutbox',
  'dispatchOutbox',
  'deferOutbox',
  'claimDeliveries',
  'updateDelivery',
  'acquireLease',
  'releaseLease',
  'claimDueTickets',
  'releaseDueTickets',
  'putAccessToken',
  'revokeAccessTokens',
  'putRecord',
] as const;

/** One of {@link WRITE_METHODS}. */
export type WriteMethod = (typeof WRITE_METHODS)[number];

/** A call to the write thread, or its answer. */
export interface WriteCall {
  id: number;
  method: WriteMethod;
  args: unknown[];
}
export interface WriteAnswer {
  id: number;
  value?: unknown;
  error?: WireError;
}
/** An error as it crosses threads: structured cloning keeps neither its class nor its `code`. */
export type WireError =
  | { kind: 'ticketkit'; code: TicketkitError['code']; message: string; details: TicketkitError['details'] }
  | { kind: 'error'; name: string; message: string; code?: string };

export function toWire(error: unknown): WireError {
  if (isTicketkitError(error)) {
    return { kind: 'ticketkit', code: error.code, message: error.message, details: error.details };
  }
  const {
    name = 'Error',
    message = String(error),
    code,
  } = (error ?? {}) as { name?: string; message?: string; code?: unknown };
  return { kind: 'error', name, message, ...(typeof code === 'string' && { code }) };
}

export function fromWire(wire: WireError): Error {
  if (wire.kind === 'ticketkit') return new TicketkitError(wire.code, wire.message, wire.details);
  const error = Object.assign(new Error(wire.message), wire.code === undefined ? {} : { code: wire.code });
  error.name = wire.name;
  return error;
}

/**
 * Collects what one turn of the event loop sends and posts it as one
 * message: a message costs the same whether it carries one call or twenty,
 * and the write thread then sees the turn's commits together, as one group.
 */
export function batcher<T>(post: (batch: T[]) => void): (item: T) => void {
  let batch: T[] = [];
  return (item) => {
    batch.push(item);
    if (batch.length > 1) return;
    setImmediate(() => {
      const sent = batch;
      batch = [];
      post(sent);
    });
  };
}

/** What the write thread opens: the adapter's options that cross threads (no `database`). */
export type WriteThreadSettings = Pick<
  SqliteStorageOptions,
  'cacheSize' | 'mmapSize' | 'searchWindow' | 'groupCommit' | 'background'
> &
  Required<Pick<SqliteStorageOptions, 'filename' | 'synchronous' | 'busyTimeout'>>;

/** The host's end of a write thread. */
export interface WriteThread {
  call(method: WriteMethod, args: unknown[]): Promise<unknown>;
  /** Writes what is waiting, closes the thread's connection (its last checkpoint) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts the write thread: a worker with a connection of its own that runs
 * the adapter's writes (write-thread-worker.ts), so that the commits — most
 * of a busy desk's storage time — leave the event loop. Resolves once the
 * thread has opened the file.
 */
export async function startWriteThread(settings: WriteThreadSettings): Promise<WriteThread> {
  const worker = spawn(settings);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let closing = false;
  let onClosed: (() => void) | undefined;

  const fail = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
    onClosed?.();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: 'ready' | 'closed' | { type: 'failed'; error: WireError } | WriteAnswer[]) => {
      if (message === 'ready') return resolve();
      if (message === 'closed') return onClosed?.();
      if (!Array.isArray(message)) return reject(fromWire(message.error));
      for (const answer of message) {
        const waiting = pending.get(answer.id);
        pending.delete(answer.id);
        if (answer.error) waiting?.reject(fromWire(answer.error));
        else waiting?.resolve(answer.value);
      }
      // Idle again: an open desk with nothing to write does not keep the process alive (a closing one does,
      // until the thread says it has closed).
      if (pending.size === 0 && !closing) worker.unref();
    });
    worker.on('error', (error) => {
      reject(error);
      fail(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`ticketkit sqlite: the write thread exited (code ${code})`);
      reject(error);
      fail(error);
    });
  });
  await ready;
  worker.unref();

  const send = batcher<WriteCall>((batch) => worker.postMessage(batch));
  return {
    call(method, args) {
      if (failure || closing) return Promise.reject(failure ?? new Error('ticketkit sqlite: the storage is closing'));
      // Held while a call is out: a process awaiting a commit must not end before the thread answers.
      worker.ref();
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        send({ id, method, args });
      });
    },
    async close() {
      if (failure || closing) return;
      closing = true;
      worker.ref();
      const closed = new Promise<void>((resolve) => {
        onClosed = resolve;
      });
      // After the calls of this turn: the batcher posts on setImmediate, and the close must come behind them.
      setImmediate(() => worker.postMessage('close'));
      await closed;
      fail(new Error('ticketkit sqlite: the storage is closed'));
      await worker.terminate();
    },
  };
}

/**
 * The worker runs the adapter's own code. Built, that is dist/write-thread-worker.js beside this module;
 * from the TypeScript sources (the repository's tests and benchmarks), the worker registers tsx first.
 */
function spawn(settings: WriteThreadSettings): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './write-thread-worker.ts' : './write-thread-worker.js', import.meta.url);
  if (!fromSource) return new Worker(url, { workerData: settings });
  const boot = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(boot, { eval: true, workerData: settings });
}
