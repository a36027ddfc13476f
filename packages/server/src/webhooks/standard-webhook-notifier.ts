import {
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationType,
  type Notifier,
  parseInput,
  type TicketSummary,
  type ValidationIssue,
} from '@ticketkit/core';
import * as z from 'zod';
import { importKey, STANDARD_WEBHOOK_HEADERS, signingKeys, signWith } from './standard-webhooks.js';

/** Options of {@link standardWebhookNotifier}. */
export interface StandardWebhookNotifierOptions {
  /** Where each notification is POSTed (http or https; https in production, the body is not encrypted otherwise). */
  url: string | URL;
  /**
   * The signing secret shared with the receiver: `whsec_` and the base64 of
   * at least 24 random bytes (see {@link generateWebhookSecret}). While a
   * secret rotates, give the new and the old one: each request then carries
   * both signatures, and the receiver accepts whichever it knows.
   */
  secret: string | readonly string[];
  /**
   * The notifier's id: it keys the delivery log, so give each webhook on one
   * desk its own.
   * @default 'standard-webhook'
   */
  id?: string;
  /**
   * The notification types this webhook receives.
   * @default every type
   */
  types?: readonly NotificationType[];
  /**
   * `false`: one request per change and notification type (`recipient:
   * null`), whoever the notification is for — an alert to five agents is one
   * request, and customer notices come without the customer's link and
   * token. `true`: one request per recipient, each with its own
   * `webhook-id` and the text rendered for that person, customer links and
   * access tokens included: only for a receiver that delivers to each person
   * itself (your own mailer).
   * @default false
   */
  perRecipient?: boolean;
  /**
   * Extra request headers, e.g. an `authorization` the receiver's gateway
   * expects. They may not set `content-type` or the `webhook-*` headers.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>;
}

/** The `data` of a {@link StandardWebhookPayload}: the notification, rendered. */
export interface StandardWebhookData {
  /** The notification's id, also sent as `webhook-id`: the same on every retry. */
  id: string;
  /**
   * The change the notification comes from, shared by every recipient's
   * copy: a receiver that acts once per change rather than once per person
   * deduplicates on it.
   */
  messageId: string;
  /** Who the notification is for; `null` unless the notifier was made with `perRecipient: true`. */
  recipient: Notification['recipient'];
  /** Subject line, rendered from the desk's template. */
  subject: string;
  /** Plain-text body, rendered from the desk's template. */
  text: string;
  /** The ticket as it was when the notification was written, without its custom fields. */
  ticket: TicketSummary;
}

/** The JSON body {@link standardWebhookNotifier} POSTs, in the Standard Webhooks payload shape. */
export interface StandardWebhookPayload {
  /** The notification type, e.g. `ticket.new_alert`. */
  type: NotificationType;
  /**
   * When the change behind the notification was made (ISO 8601): the
   * ticket's `updatedAt` in the notification, so the same on every retry,
   * unlike `webhook-timestamp`, which is the time of the attempt.
   */
  timestamp: string;
  /** The notification. */
  data: StandardWebhookData;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set<string>(['content-type', ...Object.values(STANDARD_WEBHOOK_HEADERS)]);

const optionsSchema = z.strictObject({
  url: z.union([z.string(), z.instanceof(URL)], { error: 'must be a URL' }).transform((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return z.NEVER;
    }
    if (url.username || url.password) {
      // fetch refuses such URLs at every attempt; say so once, at startup.
      ctx.addIssue({ code: 'custom', message: 'must not hold credentials; send them with `headers`' });
      return z.NEVER;
    }
    return url;
  }),
  secret: z.unknown().transform((value, ctx) => {
    const issues: ValidationIssue[] = [];
    const keys = signingKeys(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
    return keys;
  }),
  id: z.string().trim().min(1, 'must not be empty').max(100).optional(),
  perRecipient: z.boolean().default(false),
  types: z
    .array(z.enum(NOTIFICATION_TYPES))
    .min(1, 'must list at least one type (leave it out for every type)')
    .readonly()
    .optional(),
  headers: z
    .record(z.string(), z.string())
    .superRefine((headers, ctx) => {
      for (const [name, value] of Object.entries(headers)) {
        if (!HEADER_NAME.test(name))
          ctx.addIssue({ code: 'custom', message: 'is not a valid header name', path: [name] });
        else if (RESERVED_HEADERS.has(name.toLowerCase())) {
          ctx.addIssue({ code: 'custom', message: 'is set by the notifier itself', path: [name] });
        } else if (/[\r\n\0]/.test(value)) {
          ctx.addIssue({ code: 'custom', message: 'must not contain line breaks or NUL', path: [name] });
        }
      }
    })
    .optional(),
});

/**
 * A notifier that POSTs each notification to a URL as a Standard Webhook
 * (https://www.standardwebhooks.com), once per change and notification type
 * (not once per recipient, unless `perRecipient` says so): a JSON body `{ type, timestamp, data }`
 * (see {@link StandardWebhookPayload}) with the `webhook-id` (the
 * notification id, the same on every retry), `webhook-timestamp` and
 * `webhook-signature` headers. Receivers check requests with
 * {@link verifyStandardWebhook} or any Standard Webhooks library.
 *
 * Each `send` is one attempt, as the desk's outbox expects: any answer but
 * 2xx (redirects included) fails it, naming the status, and the outbox retries
 * with backoff, dead-letters and logs every attempt in `desk.deliveries`.
 * Options are checked at once: a bad one is a `VALIDATION_FAILED` naming it.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({
 *   storage,
 *   notifiers: [
 *     standardWebhookNotifier({
 *       url: 'https://crm.example.com/hooks/ticketkit',
 *       secret: process.env.TICKETKIT_WEBHOOK_SECRET, // from generateWebhookSecret()
 *       types: ['ticket.new_alert', 'ticket.message_alert'],
 *     }),
 *   ],
 * });
 * ```
 */
export function standardWebhookNotifier(options: StandardWebhookNotifierOptions): Notifier {
  const parsed = parseInput(optionsSchema, options, 'standardWebhookNotifier options');
  const { url } = parsed;
  // Errors land in the delivery log, which admins read: a URL's path or query often holds a token, its origin does not.
  const where = url.origin;
  let keys: Promise<CryptoKey[]> | undefined;

  return {
    id: parsed.id ?? 'standard-webhook',
    ...(parsed.types ? { types: parsed.types } : {}),
    perRecipient: parsed.perRecipient,
    async send(notification, { signal, messageId }) {
      const payload: StandardWebhookPayload = {
        type: notification.type,
        timestamp: notification.ticket.updatedAt,
        data: {
          id: notification.id,
          messageId,
          recipient: notification.recipient,
          subject: notification.subject,
          text: notification.text,
          ticket: notification.ticket,
        },
      };
      const body = JSON.stringify(payload);
      keys ??= Promise.all(parsed.secret.map(importKey));
      // Signed at each attempt, not once: a retry hours later must still fall inside the receiver's tolerance.
      const at = new Date();
      const signature = await signWith(await keys, { id: notification.id, timestamp: at, payload: body });
      const headers = new Headers(parsed.headers);
      headers.set('content-type', 'application/json');
      headers.set(STANDARD_WEBHOOK_HEADERS.id, notification.id);
      headers.set(STANDARD_WEBHOOK_HEADERS.timestamp, String(Math.floor(at.getTime() / 1000)));
      headers.set(STANDARD_WEBHOOK_HEADERS.signature, signature);

      let response: Response;
      try {
        // The spec counts a redirect as a failure; following it would also turn the POST into a GET without the body.
        response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
      } catch (error) {
        // The outbox aborted the attempt (its timeout): its reason says so better than fetch's AbortError.
        if (signal.aborted) throw signal.reason;
        throw new Error(`webhook ${where} could not be reached: ${networkReason(error)}`, { cause: error });
      }
      if (response.ok) {
        // Nothing to read, but an unread body would keep the connection busy.
        await response.body?.cancel();
        return;
      }
      const detail = (await response.text().catch(() => ''))
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        .trim()
        .slice(0, 200);
      throw new Error(
        `webhook ${where} answered ${response.status} ${response.statusText}`.trimEnd() + (detail ? `: ${detail}` : ''),
      );
    },
  };
}

/** Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS error, a TLS error). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
