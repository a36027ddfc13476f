import type { StorageChange, StorageChangeListener, Unsubscribe } from '@ticketkit/core';
import type { PgPoolClient } from './connection/pg-types.js';
import type { PostgresContext } from './connection/postgres-context.js';

const quoteChannel = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

/**
 * One LISTEN connection per adapter, shared by every subscriber, opened on
 * the first subscription. When it breaks it reconnects with backoff and tells
 * subscribers to `resync`.
 */
export function changeFeed(context: PostgresContext, onError: (error: unknown) => void) {
  const listeners = new Set<StorageChangeListener>();
  // The LISTEN connection, with the function that takes the feed's handlers off it.
  let client: { connection: PgPoolClient; detach: () => void } | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const deliver = (change: StorageChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        onError(error);
      }
    }
  };

  const onNotification = (message: { channel: string; payload?: string }) => {
    if (message.channel !== context.channel || !message.payload) return;
    try {
      // A JSON array of changes (change-notice-sender.ts).
      for (const change of JSON.parse(message.payload) as StorageChange[]) deliver(change);
    } catch (error) {
      onError(error);
    }
  };

  async function connect(attempt: number): Promise<void> {
    const pool = await context.pool();
    const next = await pool.connect();
    const detach = () => {
      next.removeListener('notification', onNotification);
      next.removeListener('error', onLost);
    };
    const onLost = (error: Error) => {
      detach();
      next.release(error);
      if (client?.connection === next) client = null;
      if (closed) return;
      onError(error);
      reconnect(1);
    };
    next.on('notification', onNotification);
    next.on('error', onLost);
    try {
      await next.query(`LISTEN ${quoteChannel(context.channel)}`);
    } catch (error) {
      detach();
      next.release(error instanceof Error ? error : true);
      throw error;
    }
    if (closed) {
      detach();
      next.release(true);
      return;
    }
    client = { connection: next, detach };
    if (attempt > 0) deliver({ type: 'resync' });
  }

  function reconnect(attempt: number) {
    if (closed || listeners.size === 0) return;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect(attempt).catch((error) => {
        onError(error);
        reconnect(attempt + 1);
      });
    }, delay);
  }

  return {
    /** Adds a listener; resolves once the LISTEN connection is up. The returned function removes it. */
    async subscribe(listener: StorageChangeListener): Promise<Unsubscribe> {
      listeners.add(listener);
      if (!client && !retryTimer) {
        connecting ??= connect(0).finally(() => {
          connecting = null;
        });
        try {
          await connecting;
        } catch (error) {
          listeners.delete(listener);
          throw error;
        }
      }
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0) await stop();
      };
    },

    /** Closes the LISTEN connection (the adapter's close). */
    async close() {
      closed = true;
      await stop();
    },
  };

  async function stop() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const current = client;
    client = null;
    if (!current) return;
    current.detach();
    try {
      await current.connection.query(`UNLISTEN ${quoteChannel(context.channel)}`);
      current.connection.release();
    } catch (error) {
      current.connection.release(error instanceof Error ? error : true);
    }
  }
}
