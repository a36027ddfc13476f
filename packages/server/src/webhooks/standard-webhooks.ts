import { describeIssues, TicketkitError, type ValidationIssue, validationError } from '@ticketkit/core';

/** The three headers of the Standard Webhooks spec, lower-case. */
export const STANDARD_WEBHOOK_HEADERS = {
  /** The message id: the same on every retry, so the receiver can drop duplicates. */
  id: 'webhook-id',
  /** When this attempt was signed, in integer seconds since the epoch. */
  timestamp: 'webhook-timestamp',
  /** Space-separated `v1,<base64 HMAC-SHA256>` signatures, one per secret in use. */
  signature: 'webhook-signature',
} as const;

const SECRET_PREFIX = 'whsec_';
// The spec asks for at least 24 random bytes; a sender must not sign with less.
const MIN_SIGNING_SECRET_BYTES = 24;
// Canonical, padded base64 only: a lenient decoder would accept typos and silently sign with another key.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/**
 * Headers as a receiver has them: a fetch `Headers` object, or a plain
 * record such as Node's `req.headers` (names in any case).
 */
export type StandardWebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What {@link signStandardWebhook} signs. */
export interface StandardWebhookMessage {
  /** The message id, sent as `webhook-id`; it must not contain `.`, which separates the signed parts. */
  id: string;
  /** When the attempt is made, sent as `webhook-timestamp` (whole seconds; milliseconds are dropped). */
  timestamp: Date;
  /** The request body, exactly as it is sent. */
  payload: string | Uint8Array;
}

/** Options of {@link verifyStandardWebhook}. */
export interface VerifyStandardWebhookOptions {
  /**
   * How far `webhook-timestamp` may be from `now`, either way, in seconds:
   * a captured request replayed later is refused.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The time to check `webhook-timestamp` against.
   * @default the current time
   */
  now?: Date;
}

/**
 * A new Standard Webhooks signing secret: `whsec_` and the base64 of 32
 * random bytes from the platform's CSPRNG. Give each receiving endpoint its own.
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret(); // 'whsec_Vb3…'; store it, show it to the receiver once
 * ```
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The `webhook-signature` header value for one message: `v1,<signature>`
 * per secret, space-separated (sign with the old and the new secret while
 * a secret rotates). The signature is the base64 HMAC-SHA256 of
 * `{id}.{timestamp}.{payload}` keyed with the bytes the secret's base64
 * (after `whsec_`) decodes to. Fails with `VALIDATION_FAILED` for a secret
 * shorter than 24 bytes or an id containing `.`.
 *
 * @example
 * ```ts
 * const signature = await signStandardWebhook(secret, { id: 'msg_1', timestamp: new Date(), payload: body });
 * ```
 */
export async function signStandardWebhook(
  secret: string | readonly string[],
  message: StandardWebhookMessage,
): Promise<string> {
  const issues: ValidationIssue[] = [];
  const keys = signingKeys(secret, ['secret'], issues);
  if (typeof message.id !== 'string' || message.id.length === 0 || message.id.includes('.')) {
    issues.push({ path: ['message', 'id'], message: 'must be a non-empty string without "."' });
  }
  if (!(message.timestamp instanceof Date) || Number.isNaN(message.timestamp.getTime())) {
    issues.push({ path: ['message', 'timestamp'], message: 'must be a valid Date' });
  }
  if (issues.length > 0) throw validationError(issues, 'signStandardWebhook arguments');
  return signWith(await Promise.all(keys.map(importKey)), message);
}

/**
 * Checks a Standard Webhooks request on the receiving side and returns its
 * parsed JSON body. Pass the raw body exactly as received: parsed and
 * re-serialized JSON would not match the signature.
 *
 * Refuses, with a `VALIDATION_FAILED` error naming the header at fault, a
 * request that lacks `webhook-id`, `webhook-timestamp` or
 * `webhook-signature`, whose timestamp is further from `now` than the
 * tolerance (a replay), or none of whose `v1` signatures matches (a forged or
 * altered request, or the wrong secret). Signatures are compared in constant
 * time; any one matching is enough, so a sender may sign with an old and a
 * new secret while the secret rotates. A `secret` that is not `whsec_` and
 * base64 is also a `VALIDATION_FAILED`, naming `secret`.
 *
 * The result is typed `T` (`unknown` unless given) without being checked
 * against it: {@link StandardWebhookPayload} is what
 * {@link standardWebhookNotifier} sends.
 *
 * @example
 * ```ts
 * // node:http, with the body read as a string first
 * try {
 *   const event = await verifyStandardWebhook<StandardWebhookPayload>(body, req.headers, process.env.WEBHOOK_SECRET);
 *   handle(event.type, event.data);
 *   res.writeHead(204).end();
 * } catch {
 *   res.writeHead(400).end();
 * }
 * ```
 */
export async function verifyStandardWebhook<T = unknown>(
  payload: string | Uint8Array,
  headers: StandardWebhookHeaders,
  secret: string,
  options: VerifyStandardWebhookOptions = {},
): Promise<T> {
  const configIssues: ValidationIssue[] = [];
  const key = decodeSecret(secret, 1);
  if (typeof key === 'string') configIssues.push({ path: ['secret'], message: key });
  const tolerance = options.toleranceSeconds ?? 300;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    configIssues.push({
      path: ['options', 'toleranceSeconds'],
      message: 'must be a finite number of seconds, 0 or more',
    });
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    configIssues.push({ path: ['options', 'now'], message: 'must be a valid Date' });
  }
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    configIssues.push({ path: ['payload'], message: 'must be the raw body, a string or bytes' });
  }
  if (configIssues.length > 0 || typeof key === 'string') {
    throw validationError(configIssues, 'verifyStandardWebhook arguments');
  }

  const refuse = (header: string, message: string) => validationError([{ path: [header], message }], 'webhook request');
  const required = (name: string): string => {
    const value = readHeader(headers, name);
    if (value === undefined || value === '') throw refuse(name, 'is missing');
    if (value === null) throw refuse(name, 'is sent more than once');
    return value;
  };
  const msgId = required(STANDARD_WEBHOOK_HEADERS.id);
  const stamp = required(STANDARD_WEBHOOK_HEADERS.timestamp);
  const signatureList = required(STANDARD_WEBHOOK_HEADERS.signature);

  if (!TIMESTAMP.test(stamp)) throw refuse(STANDARD_WEBHOOK_HEADERS.timestamp, 'must be whole seconds since the epoch');
  const skew = Number(stamp) - Math.floor(now.getTime() / 1000);
  if (Math.abs(skew) > tolerance) {
    throw refuse(
      STANDARD_WEBHOOK_HEADERS.timestamp,
      `is ${Math.abs(skew)} s ${skew < 0 ? 'in the past' : 'in the future'}, beyond the ${tolerance} s tolerance`,
    );
  }

  const candidates = signatureList
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (candidates.length === 0) throw refuse(STANDARD_WEBHOOK_HEADERS.signature, 'holds no v1 signature');
  const expected = ascii(await hmacBase64(await importKey(key), signedContent(msgId, Number(stamp), payload)));
  if (!candidates.some((candidate) => constantTimeEqual(ascii(candidate), expected))) {
    throw refuse(
      STANDARD_WEBHOOK_HEADERS.signature,
      'has no v1 signature matching this body under this secret (check the secret; verify the raw body, not re-serialized JSON)',
    );
  }

  try {
    const text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    return JSON.parse(text) as T;
  } catch (error) {
    const issues = [{ path: ['payload'], message: 'is signed but is not UTF-8 JSON' }];
    throw new TicketkitError('VALIDATION_FAILED', `Invalid webhook request: ${describeIssues(issues)}`, {
      issues,
      cause: error,
    });
  }
}

/** Decodes each secret for signing, reporting problems under `path`. */
export function signingKeys(
  secret: unknown,
  path: readonly (string | number)[],
  issues: ValidationIssue[],
): Uint8Array[] {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    issues.push({ path, message: 'must be a whsec_ secret, or a non-empty list of them while a secret rotates' });
    return [];
  }
  const keys: Uint8Array[] = [];
  secrets.forEach((one: unknown, index) => {
    const key = decodeSecret(one, MIN_SIGNING_SECRET_BYTES);
    if (typeof key === 'string')
      issues.push({ path: typeof secret === 'string' ? path : [...path, index], message: key });
    else keys.push(key);
  });
  return keys;
}

/** The key bytes of a `whsec_` secret, or why it is not one. The prefix is optional, as in the reference libraries. */
function decodeSecret(secret: unknown, minBytes: number): Uint8Array | string {
  if (typeof secret !== 'string') return 'must be a string: whsec_ followed by base64';
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    return 'must be whsec_ followed by standard, padded base64 (generateWebhookSecret() makes one)';
  }
  const key = fromBase64(encoded);
  if (key.length < minBytes) {
    return `must decode to at least ${minBytes} bytes, not ${key.length} (generateWebhookSecret() makes one)`;
  }
  return key;
}

/** Signs a checked message with already imported keys: the `webhook-signature` value. */
export async function signWith(keys: readonly CryptoKey[], message: StandardWebhookMessage): Promise<string> {
  const content = signedContent(message.id, Math.floor(message.timestamp.getTime() / 1000), message.payload);
  const signatures = await Promise.all(keys.map(async (key) => `v1,${await hmacBase64(key, content)}`));
  return signatures.join(' ');
}

/** Imports HMAC-SHA256 key bytes into Web Crypto, for signing only. */
export function importKey(bytes: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey(
    'raw',
    bytes as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/** `{id}.{timestamp}.{payload}` as bytes; a byte payload is signed as is, never decoded and re-encoded. */
function signedContent(id: string, seconds: number, payload: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const head = encoder.encode(`${id}.${seconds}.`);
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const content = new Uint8Array(head.length + body.length);
  content.set(head);
  content.set(body, head.length);
  return content;
}

async function hmacBase64(key: CryptoKey, content: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64(new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, content)));
}

/**
 * Compares without an early exit, so the time taken does not tell an attacker
 * how many leading bytes of a forged signature were right. Lengths are public
 * (every v1 signature is 44 characters), so a length mismatch may return early.
 */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

/**
 * One header's value: `undefined` when absent, `null` when sent more than
 * once (Node keeps repeats of some headers as arrays; a second id or
 * timestamp must not be silently ignored).
 */
function readHeader(headers: StandardWebhookHeaders, name: string): string | null | undefined {
  // Duck-typed: a Headers from another fetch implementation (undici, a polyfill) is not this realm's instance.
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  let found: string | null | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    const values = typeof value === 'string' ? [value] : value;
    if (found !== undefined || values.length > 1) return null;
    found = values[0];
  }
  return found;
}

const ascii = (text: string) => new TextEncoder().encode(text);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(encoded: string): Uint8Array {
  return Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
}
