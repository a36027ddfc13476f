import { test } from 'vitest';
import { runStorageConformance } from '../testing/index.js';
import { memoryStorage } from './memory-storage.js';

runStorageConformance(
  test,
  async () => {
    const adapter = memoryStorage();
    const { state } = adapter;
    const all = <T>(map: Map<string, T[]>) => [...map.values()].flat();
    return {
      adapter,
      // The memory adapter's backdoor reads its maps directly, past every read method.
      backdoor: {
        ticket: async (id) => structuredClone(state.tickets.get(id) ?? null),
        thread: async (ticketId) => structuredClone(state.thread.get(ticketId) ?? []),
        audit: async (ticketId) => structuredClone(state.audit.get(ticketId) ?? []),
        outbox: async (ticketId) =>
          structuredClone([...state.outbox.values()].filter((message) => message.ticketId === ticketId)),
        deliveries: async (ticketId) =>
          structuredClone([...state.deliveries.values()].filter((delivery) => delivery.ticketId === ticketId)),
        accessToken: async (hash) => structuredClone(state.accessTokens.get(hash) ?? null),
        idempotency: async (scope, key) => structuredClone(state.idempotency.get(`${scope}\u0000${key}`) ?? null),
        counts: async () => ({
          tickets: state.tickets.size,
          thread: all(state.thread).length,
          audit: all(state.audit).length,
          outbox: state.outbox.size,
          idempotency: state.idempotency.size,
        }),
      },
    };
  },
  { concurrency: 8 },
);
