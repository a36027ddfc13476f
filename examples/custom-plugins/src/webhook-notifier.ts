import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Notification, NotificationType, Notifier } from '@ticketkit/core';

/** The headers a webhook request carries, lower-case as Node's `req.headers` has them. */
export const WEBHOOK_HEADERS = {
  /** The notification id: the same on every retry, so the receiver can drop duplicates. */
  idempotencyKey: 'idempotency-key',
  /** The notification type, so a receiver can route without parsing the body. */
  type: 'x-ticketkit-type',
  /** 1 for the first attempt, counting up across retries. */
  attempt: 'x-ticketkit-attempt',
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; only when the notifier has a secret. */
  signature: 'x-ticketkit-signature',
} as const;

/** Options of {@link webhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Where each notification is POSTed as JSON (http or https). */
  url: string | URL;
  /**
   * The notifier's id: it keys the delivery log, so give each webhook on one
   * desk its own.
   * @default 'webhook'
   */
  id?: string;
  /**
   * A shared secret: each request is signed with HMAC-SHA256 over the
   * timestamp and the body, and the receiver checks it with
   * {@link verifyWebhook}.
   * @default no signature
   */
  secret?: string;
  /**
   * The notification types this webhook receives.
   * @default every type
   */
  types?: readonly NotificationType[];
  /**
   * Extra request headers, e.g. an `authorization` the receiver expects.
   * The webhook's own headers win over these.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A notifier that POSTs each notification as JSON to a URL: the body is the
 * {@link Notification} itself, the `idempotency-key` header its id, and with
 * a `secret` the `x-ticketkit-signature` header signs timestamp and body.
 * Any answer but 2xx is a failed attempt; the desk's outbox retries it.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({
 *   storage,
 *   notifiers: [webhookNotifier({ url: 'https://hooks.example.com/ticketkit', secret: process.env.WEBHOOK_SECRET })],
 * });
 * ```
 */
export function webhookNotifier(options: WebhookNotifierOptions): Notifier {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`webhookNotifier: url must be http or https, not ${url.protocol}`);
  }
  if (options.secret !== undefined && options.secret.length === 0) {
    throw new TypeError('webhookNotifier: secret must not be empty (leave it out to send unsigned requests)');
  }
  // Errors land in the delivery log, which admins read: a URL's path or query often holds a token, the origin does not.
  const where = url.origin;
  const { secret } = options;

  return {
    id: options.id ?? 'webhook',
    ...(options.types ? { types: options.types } : {}),
    async send(notification, { signal, attempt }) {
      const body = JSON.stringify(notification);
      const headers = new Headers(options.headers);
      headers.set('content-type', 'application/json');
      headers.set(WEBHOOK_HEADERS.idempotencyKey, notification.id);
      headers.set(WEBHOOK_HEADERS.type, notification.type);
      headers.set(WEBHOOK_HEADERS.attempt, String(attempt));
      // Signed at each attempt, not once: a retry hours later must still fall inside the receiver's tolerance.
      if (secret !== undefined) {
        headers.set(WEBHOOK_HEADERS.signature, signature(secret, unixSeconds(new Date()), body));
      }

      let response: Response;
      try {
        // A redirect would be followed as a GET without the body: treat it as the failure it is.
        response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
      } catch (error) {
        // The outbox aborted the attempt (timeout): its reason says so better than fetch's AbortError.
        if (signal.aborted) throw signal.reason;
        throw new Error(`webhook ${where} could not be reached: ${networkReason(error)}`, { cause: error });
      }
      if (response.ok) {
        // Nothing to read, but an unread body would keep the connection busy.
        await response.body?.cancel();
        return;
      }
      const detail = (await response.text().catch(() => '')).trim().slice(0, 200);
      throw new Error(
        `webhook ${where} answered ${response.status} ${response.statusText}`.trimEnd() + (detail ? `: ${detail}` : ''),
      );
    },
  };
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received: re-serialized JSON would not match. */
  body: string | Uint8Array;
  /** The `x-ticketkit-signature` header, as received. */
  signature: string | string[] | null | undefined;
  /** The secret the notifier signs with. */
  secret: string;
  /**
   * How far the signature's timestamp may be from `now`, in seconds: older
   * requests are refused, so a captured request cannot be replayed later.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The time to check the timestamp against.
   * @default the current time
   */
  now?: Date;
}

/**
 * Checks a webhook request on the receiving side: `true` when the signature
 * header matches the body and the secret, and its timestamp is within the
 * tolerance. Compares in constant time.
 *
 * @example
 * ```ts
 * const ok = verifyWebhook({ body: rawBody, signature: req.headers['x-ticketkit-signature'], secret });
 * if (!ok) return res.writeHead(401).end();
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): boolean {
  const header = Array.isArray(options.signature) ? options.signature[0] : options.signature;
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  // Several v1 values are allowed, so a sender can sign with an old and a new secret while the secret rotates.
  const candidates = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value as string);
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) return false;
  const age = Math.abs(unixSeconds(options.now ?? new Date()) - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300)) return false;

  const body = typeof options.body === 'string' ? options.body : Buffer.from(options.body).toString('utf8');
  const expected = Buffer.from(digest(options.secret, timestamp, body), 'hex');
  return candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    // timingSafeEqual throws on different lengths; a wrong length reveals nothing about the digest.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function digest(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${digest(secret, String(timestamp), body)}`;
}

/** Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS error, a TLS error). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
