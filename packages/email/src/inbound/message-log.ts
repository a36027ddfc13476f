/**
 * Which messages this intake has taken, by Message-ID: a fast path that
 * answers a repeat (delivered twice, polled twice, posted twice by a webhook)
 * with `ignored`/`duplicate` before the desk is asked. The guarantee does not
 * rest on it: each message's Message-ID is the desk's idempotency key for the
 * ticket, reply or note it becomes, stored in the same commit, so a repeat
 * that the log does not know (after a restart, in another process) writes
 * nothing either and gets the first answer again. The default is in memory.
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
