import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the intake keeps each message as it arrived (raw MIME), per ticket, for agents to view or download. */
export interface OriginalStore {
  /** Keeps a message of a ticket; the same Message-ID twice keeps one copy. Returns its key. */
  put(ticketId: string, messageId: string, raw: Uint8Array): Promise<string>;
  /** The keys of a ticket's messages. */
  list(ticketId: string): Promise<string[]>;
  /** One message as it arrived, or `null`. */
  get(ticketId: string, key: string): Promise<Uint8Array | null>;
}

const keyOf = (messageId: string) => `${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}.eml`;
const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const KEY = /^[0-9a-f]{32}\.eml$/;

/**
 * Keeps originals as files: `<directory>/<ticket id>/<hash of the Message-ID>.eml`,
 * written to a temporary name and renamed, so a crash never leaves half a
 * message. Serve them to agents as `message/rfc822` (any mail client opens
 * them) after your own access check.
 */
export function fileOriginals(directory: string): OriginalStore {
  const folder = (ticketId: string) => {
    if (!SAFE.test(ticketId)) throw new Error(`not a ticket id: ${JSON.stringify(ticketId)}`);
    return join(directory, ticketId);
  };
  return {
    async put(ticketId, messageId, raw) {
      const key = keyOf(messageId);
      await mkdir(folder(ticketId), { recursive: true });
      const temporary = join(folder(ticketId), `.${key}.${process.pid}.tmp`);
      await writeFile(temporary, raw);
      await rename(temporary, join(folder(ticketId), key));
      return key;
    },
    async list(ticketId) {
      const names = await readdir(folder(ticketId)).catch(() => [] as string[]);
      return names.filter((name) => KEY.test(name)).sort();
    },
    async get(ticketId, key) {
      if (!KEY.test(key)) return null;
      return readFile(join(folder(ticketId), key)).catch(() => null);
    },
  };
}
