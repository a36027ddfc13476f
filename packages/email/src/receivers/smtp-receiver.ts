import type { AddressInfo } from 'node:net';
import { validationError } from '@ticketkit/core';
import type { SMTPServer, SMTPServerOptions } from 'smtp-server';
import type { EmailIntake, IngestResult } from '../inbound/index.js';
import { loadPeer } from '../peer.js';

/** Options of {@link createSmtpReceiver}. */
export interface SmtpReceiverOptions {
  /**
   * The interface to listen on. Only loopback by default: put it behind your
   * MX (Postfix, a provider's relay) rather than on the open internet.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The port; 0 picks a free one (see `listen()`'s answer).
   * @default 2525
   */
  port?: number;
  /**
   * The largest message accepted, in bytes: announced in `EHLO` (SIZE) and
   * enforced while receiving (552).
   * @default the intake's `maxBytes`
   */
  maxBytes?: number;
  /** Offer STARTTLS with this key and certificate (PEM); without them STARTTLS is not offered. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Require SMTP AUTH (PLAIN/LOGIN): resolves whether the user and password are right. Best with `tls`. */
  authenticate?: (username: string, password: string) => boolean | Promise<boolean>;
  /** Accept mail only for these addresses (plus-addressed variants included); any recipient when left out. */
  recipients?: readonly string[];
  /** Called with what the intake did with each message (for logs and metrics). */
  onResult?: (result: IngestResult) => void;
  /** Called when the desk failed on a message: the sender was told to retry later (451). */
  onError?: (error: unknown) => void;
}

/** A running SMTP receiver. */
export interface SmtpReceiver {
  /** Starts listening; resolves with the port (useful with `port: 0`). */
  listen(): Promise<{ port: number }>;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * An SMTP server (smtp-server) that hands every message it receives to the
 * intake: point your MX or a provider's forwarding at it. It answers 552
 * for a message over the size limit, 550 for a recipient it does not serve,
 * and 451 (try again later) when the desk fails, so the sending server keeps
 * the message; what the intake ignores (auto-replies, bounces) is still
 * accepted, so no bounce goes back to an automatic sender.
 *
 * @example
 * ```ts
 * const receiver = createSmtpReceiver(intake, { port: 2525 });
 * await receiver.listen();
 * ```
 */
export function createSmtpReceiver(intake: EmailIntake, options: SmtpReceiverOptions = {}): SmtpReceiver {
  const maxBytes = options.maxBytes ?? intake.maxBytes;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw validationError([{ path: ['maxBytes'], message: 'must be a positive whole number of bytes' }]);
  }
  const recipients = options.recipients && new Set(options.recipients.map((address) => address.toLowerCase()));
  let server: SMTPServer | undefined;

  async function build(): Promise<SMTPServer> {
    const { SMTPServer } = await loadPeer('smtp-server', () => import('smtp-server'), 'createSmtpReceiver');
    const config: SMTPServerOptions = {
      logger: false,
      size: maxBytes,
      banner: 'ticketkit',
      disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.authenticate ? [] : ['AUTH'])],
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
      authOptional: !options.authenticate,
      // Without TLS, AUTH would send the password in the clear: smtp-server refuses unless told; loopback tests need it.
      allowInsecureAuth: !options.tls,
      async onAuth(auth, _session, callback) {
        const ok = options.authenticate
          ? await Promise.resolve(options.authenticate(auth.username ?? '', auth.password ?? '')).catch(() => false)
          : false;
        if (ok) callback(null, { user: auth.username });
        else callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo(address, _session, callback) {
        const lower = address.address.toLowerCase();
        if (recipients && !recipients.has(lower) && !recipients.has(lower.replace(/\+[^@]*@/, '@'))) {
          callback(smtpError(550, '5.1.1 No such mailbox here'));
          return;
        }
        callback();
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('end', () => {
          if (stream.sizeExceeded || size > maxBytes) {
            callback(smtpError(552, `5.3.4 Message too big: the limit is ${maxBytes} bytes`));
            return;
          }
          intake.ingest(Buffer.concat(chunks)).then(
            (result) => {
              options.onResult?.(result);
              callback(
                null,
                result.kind === 'ignored' ? `Accepted, ignored: ${result.reason}` : `Accepted: ${result.kind}`,
              );
            },
            (error: unknown) => {
              options.onError?.(error);
              callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
            },
          );
        });
      },
    };
    return new SMTPServer(config);
  }

  return {
    async listen() {
      server ??= await build();
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(options.port ?? 2525, options.host ?? '127.0.0.1', () => {
          listening.off('error', reject);
          resolve();
        });
      });
      return { port: (listening.server.address() as AddressInfo).port };
    },
    async close() {
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}
