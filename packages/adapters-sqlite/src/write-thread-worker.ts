/**
 * The write thread (see write-thread.ts): the SQLite adapter on a connection
 * of its own, answering the host's write calls. Calls arrive in batches, one
 * per turn of the host's event loop; their commits reach the adapter's group
 * commit in the same turn here, and are written in one transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sqliteStorage } from './sqlite-storage.js';
import { batcher, toWire, type WriteAnswer, type WriteCall, type WriteThreadSettings } from './write-thread.js';

const port = parentPort;
if (!port) throw new Error('write-thread-worker runs as a worker thread');
const settings = workerData as WriteThreadSettings;

try {
  const storage = sqliteStorage({ ...settings, writeThread: false });
  await storage.init();
  const answer = batcher<WriteAnswer>((batch) => port.postMessage(batch));
  const run = async ({ id, method, args }: WriteCall) => {
    try {
      const write = storage[method] as (...args: unknown[]) => Promise<unknown>;
      answer({ id, value: await write.apply(storage, args) });
    } catch (error) {
      answer({ id, error: toWire(error) });
    }
  };
  port.on('message', async (message: WriteCall[] | 'close') => {
    if (message !== 'close') {
      for (const call of message) void run(call);
      return;
    }
    // close() writes what is waiting; its answers go out on the next turn, before 'closed' does.
    await storage.close();
    await new Promise((resolve) => setImmediate(resolve));
    port.postMessage('closed');
    port.close();
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage({ type: 'failed', error: toWire(error) });
}
