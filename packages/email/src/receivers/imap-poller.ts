import type { ConnectionOptions } from 'node:tls';
import { validationError } from '@ticketkit/core';
import type { ImapFlow } from 'imapflow';
import type { EmailIntake, IngestResult } from '../inbound/index.js';
import { loadPeer } from '../peer.js';

/** Options of {@link createImapPoller}. */
export interface ImapPollerOptions {
  /** The IMAP server. */
  host: string;
  /**
   * @default 993 with `secure`, else 143
   */
  port?: number;
  /**
   * TLS from the start (IMAPS); otherwise imapflow upgrades with STARTTLS when the server offers it.
   * @default true
   */
  secure?: boolean;
  /** TLS options (a private CA, `rejectUnauthorized` for a test server). */
  tls?: ConnectionOptions;
  /** The mailbox's login. */
  auth: { user: string; pass: string };
  /**
   * The folder to read.
   * @default 'INBOX'
   */
  mailbox?: string;
  /**
   * Move each message taken to this folder (created when missing). Without
   * it, messages taken are flagged `\Seen` and only unseen ones are read, so
   * do not read that mailbox with another client that marks mail seen.
   */
  moveTo?: string;
  /**
   * Look for new mail this often even without IDLE (servers without it, or an IDLE that went quiet).
   * @default 60000
   */
  pollIntervalMs?: number;
  /**
   * Wait before reconnecting after a dropped connection; doubles up to a minute while it keeps failing.
   * @default 1000
   */
  reconnectDelayMs?: number;
  /** Called with what the intake did with each message. */
  onResult?: (result: IngestResult) => void;
  /** Called on connection and desk errors; the poller keeps going (reconnects, retries the message later). */
  onError?: (error: unknown) => void;
}

/** A running IMAP poller. */
export interface ImapPoller {
  /** Connects, takes what is waiting, then watches the mailbox (IDLE) until `stop()`. Rejects if the first connection fails. */
  start(): Promise<void>;
  /** Takes every message waiting now; resolves with how many were taken. */
  pollOnce(): Promise<number>;
  /** Logs out and stops reconnecting. */
  stop(): Promise<void>;
}

/**
 * Reads a mailbox (a support@ address at any provider) with imapflow and
 * hands each new message to the intake: IDLE where the server has it (new
 * mail is taken within a second), a poll every `pollIntervalMs` besides.
 * A message is flagged `\Seen` (or moved to `moveTo`) only after the intake
 * took it; after a dropped connection the poller reconnects with backoff and
 * reads again what is not flagged — a message the intake took just before the
 * drop is recognised by its Message-ID and not added twice.
 *
 * @example
 * ```ts
 * const poller = createImapPoller(intake, {
 *   host: 'imap.example.com',
 *   auth: { user: 'support@example.com', pass: process.env.IMAP_PASSWORD ?? '' },
 *   moveTo: 'Processed',
 * });
 * await poller.start();
 * ```
 */
export function createImapPoller(intake: EmailIntake, options: ImapPollerOptions): ImapPoller {
  if (!options.host) throw validationError([{ path: ['host'], message: 'must name the IMAP server' }]);
  if (!options.auth?.user) throw validationError([{ path: ['auth', 'user'], message: 'must name the mailbox login' }]);
  const mailbox = options.mailbox ?? 'INBOX';
  const secure = options.secure ?? true;
  const baseDelay = options.reconnectDelayMs ?? 1_000;
  let client: ImapFlow | null = null;
  let running = false;
  let delay = baseDelay;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Promise<number> | null = null;
  let again = false;
  const report = (error: unknown) => options.onError?.(error);

  async function connect(): Promise<void> {
    const { ImapFlow } = await loadPeer('imapflow', () => import('imapflow'), 'createImapPoller');
    const next = new ImapFlow({
      host: options.host,
      port: options.port ?? (secure ? 993 : 143),
      secure,
      auth: options.auth,
      logger: false,
      // IDLE soon after each round (imapflow waits 15 s by default), so new mail is seen within a second.
      autoIdleDelay: 500,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    next.on('error', report);
    // New mail while idling: take it now.
    next.on('exists', () => void pollOnce().catch(report));
    next.on('close', () => {
      if (client === next) client = null;
      if (running) scheduleReconnect();
    });
    await next.connect();
    if (options.moveTo) {
      const list = await next.list();
      if (!list.some((folder) => folder.path === options.moveTo)) await next.mailboxCreate(options.moveTo);
    }
    client = next;
    delay = baseDelay;
  }

  function scheduleReconnect() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!running || client) return;
      try {
        await connect();
        await pollOnce();
      } catch (error) {
        report(error);
        delay = Math.min(delay * 2, 60_000);
        if (running && !client) scheduleReconnect();
      }
    }, delay);
    timer.unref?.();
  }

  async function takeWaiting(current: ImapFlow): Promise<number> {
    let taken = 0;
    const lock = await current.getMailboxLock(mailbox);
    try {
      const uids = (await current.search(options.moveTo ? { all: true } : { seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const message = await current.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || !message.source) continue;
        // The desk failing throws here: the message stays unflagged and is read again on the next round.
        const result = await intake.ingest(message.source);
        options.onResult?.(result);
        if (options.moveTo) await current.messageMove(String(uid), options.moveTo, { uid: true });
        else await current.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        taken += 1;
      }
    } finally {
      lock.release();
    }
    return taken;
  }

  async function pollOnce(): Promise<number> {
    // One round at a time; a call during a round asks for one more round after it.
    if (polling) {
      again = true;
      return polling;
    }
    polling = (async () => {
      let total = 0;
      do {
        again = false;
        const current = client;
        if (!current) break;
        total += await takeWaiting(current);
      } while (again);
      return total;
    })().finally(() => {
      polling = null;
    });
    return polling;
  }

  let interval: ReturnType<typeof setInterval> | undefined;
  return {
    async start() {
      if (running) return;
      running = true;
      try {
        await connect();
      } catch (error) {
        running = false;
        throw error;
      }
      // A round that fails from here on (a dropped connection, the desk) is reported and retried, not fatal.
      await pollOnce().catch(report);
      interval = setInterval(() => void pollOnce().catch(report), options.pollIntervalMs ?? 60_000);
      interval.unref?.();
    },
    pollOnce,
    async stop() {
      running = false;
      clearInterval(interval);
      clearTimeout(timer);
      await polling?.catch(() => undefined);
      const current = client;
      client = null;
      await current?.logout().catch(() => current.close());
    },
  };
}
