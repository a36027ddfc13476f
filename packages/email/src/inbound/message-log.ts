/**
 * Which messages the intake has taken, by Message-ID, so the same message
 * (delivered twice, polled twice, posted twice by a webhook) is never added
 * twice. The default is in memory; a host that runs several processes or must
 * survive restarts gives one backed by its database. New tickets are also
 * protected by the desk's idempotency key, which is durable.
 */
export interface MessageLog {
  /** What the intake did with this Message-ID before, or `null`. */
  get(messageId: string): Promise<string | null> | string | null;
  /** Remembers what the intake did with a Message-ID (a short description: `created #123456`). */
  set(messageId: string, outcome: string): Promise<void> | void;
}

/** A {@link MessageLog} in memory, forgetting the oldest past `limit` entries. */
export function memoryMessageLog(limit = 50_000): MessageLog {
  const seen = new Map<string, string>();
  return {
    get: (messageId) => seen.get(messageId) ?? null,
    set(messageId, outcome) {
      seen.set(messageId, outcome);
      if (seen.size > limit) seen.delete(seen.keys().next().value as string);
    },
  };
}
