import { type Actor, type Duration, hmacAccessToken, parseDuration, parseInput } from '@ticketkit/core';
import * as z from 'zod';
import { memoryRateLimitStore, type RateLimitStore } from './abuse/rate-limit.js';
import { type EventStreamOptions, eventStreamOptionsSchema } from './events/event-hub.js';
import { type InboundEmailOptions, inboundEmailOptionsSchema } from './routes/inbound-email-options.js';

/**
 * Who is calling, from your app's own session: a customer (by email) or an
 * agent (by id), or `null` for nobody. ticketkit checks it against its
 * directory and authorizes every request itself.
 */
export type Authenticate = (request: Request) => Actor | null | Promise<Actor | null>;

/** One rate limit: at most `limit` requests per `window`. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** The window, e.g. `'1m'`, `'1h'`. */
  window: Duration;
}

/**
 * Rate limits: on ticket intake (`POST /tickets`), the one route anyone may
 * call, and on requests authenticated by a customer's access token.
 */
export interface RateLimitOptions {
  /**
   * Per client IP (see {@link SupportApiOptions.clientIp}); `false` turns it off.
   * @default { limit: 60, window: '1m' }
   */
  intakePerIp?: RateLimit | false;
  /**
   * Per requester email, counting only tickets the desk opened: a refused
   * request (invalid, rejected by a plugin) and a retry with the same
   * `Idempotency-Key` cost nothing, so nobody locks a customer out by sending
   * bad requests in their name. `false` turns it off.
   * @default { limit: 10, window: '1h' }
   */
  intakePerEmail?: RateLimit | false;
  /**
   * Requests carrying a Bearer token, per client IP, counted before the
   * token is checked (so guessing tokens is throttled too); `false` turns it off.
   * @default { limit: 300, window: '1m' }
   */
  tokenPerIp?: RateLimit | false;
  /**
   * Requests with a valid access token, per ticket it opens; `false` turns it off.
   * @default { limit: 120, window: '1m' }
   */
  tokenPerTicket?: RateLimit | false;
  /**
   * Where counters live.
   * @default memoryRateLimitStore()
   */
  store?: RateLimitStore;
}

/** Cross-origin access for browser front ends on other origins (the widget on your marketing site). */
export interface CorsOptions {
  /** Origins allowed to call the API from a browser, e.g. `['https://www.example.com']`. */
  origins: string[];
  /**
   * Whether browsers send cookies along (your session cookie).
   * @default false
   */
  credentials?: boolean;
  /**
   * How long browsers may cache a preflight answer.
   * @default '10m'
   */
  maxAge?: Duration;
}

/** Customer access tokens: the link that opens a ticket to its requester without a session. */
export interface CustomerTokenOptions {
  /**
   * Secret the intake token of each ticket is derived from (HMAC-SHA256 of
   * the ticket id), so retries of one request get the same token. At least
   * 32 characters; keep it in your secret store and share it between app
   * servers.
   * @default a random secret per process (a retry answered by another process gets a different, equally valid token)
   */
  secret?: string;
  /**
   * How long a token works; `null` until revoked.
   * @default '90d'
   */
  expiresIn?: Duration | null;
}

/** What `GET /intake-schema` offers the widget besides the ticket fields. */
export interface IntakeSchemaOptions {
  /** Topics the customer picks from (they choose default SLA plans, see `defaultSlaPolicy`). */
  topics?: { id: string; label: string }[];
  /**
   * Which departments a public form offers: `true` lists all the desk's
   * departments, an array lists these department ids (in this order), `false`
   * none (tickets go to the desk's `intake.defaultDepartmentId`). Off by
   * default: departments are your internal structure until you choose to show them.
   * @default false
   */
  departments?: boolean | string[];
  /**
   * Whether a public form may offer the ticket's priority: `true` lists the
   * priorities in `GET /intake-schema` so the widget shows a picker. Off by
   * default: most desks set priority themselves (triage, automation rules).
   * @default false
   */
  priority?: boolean;
}

/** Options of {@link createSupportApi}. */
export interface SupportApiOptions {
  /** Who is calling, from your own session. Without it, only customers with access tokens and anonymous intake work. */
  authenticate?: Authenticate;
  /** Customer access tokens. */
  customerTokens?: CustomerTokenOptions;
  /**
   * Where the API is mounted, e.g. `'/support/api'`.
   * @default ''
   */
  basePath?: string;
  /** Cross-origin browser access; none by default. */
  cors?: CorsOptions;
  /** Rate limits of intake and of access-token requests. */
  rateLimits?: RateLimitOptions;
  /**
   * The client's IP for rate limits. Behind a proxy, read it from the header
   * your proxy sets — and only from one you trust. Without it, the socket's
   * address (through `toNodeHandler`), else no per-IP limit.
   */
  clientIp?: (request: Request) => string | null;
  /**
   * Largest request body read, in bytes (413 beyond).
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * How long a request body may take to arrive once the API starts reading
   * it (408 beyond, and the connection is closed): a client dribbling its
   * body byte by byte holds no handler for long. Set your server's own
   * timeouts too (see `toNodeHandler`).
   * @default '10s'
   */
  bodyTimeout?: Duration;
  /**
   * Deepest JSON nesting accepted (422 beyond).
   * @default 32
   */
  maxJsonDepth?: number;
  /**
   * The intake form's honeypot: a field humans never see and bots fill in.
   * A request with it non-empty is refused. `false` turns it off.
   * @default 'website'
   */
  honeypotField?: string | false;
  /** What `GET /intake-schema` offers besides the ticket fields. */
  intake?: IntakeSchemaOptions;
  /**
   * The name of your app's session cookie, for the API document's `session`
   * security scheme (your `authenticate` hook reads the cookie itself).
   * @default 'session'
   */
  sessionCookie?: string;
  /** Where unexpected errors go (a 500 never says more than that it happened). */
  onError?: (error: unknown, request: Request) => void;
  /** Turns on `POST /inbound/email` for providers' inbound email webhooks (with `@ticketkit/email`'s intake). */
  inboundEmail?: InboundEmailOptions;
  /** The agents' live stream, `GET /events`. */
  events?: EventStreamOptions;
}

/** The options, checked and with their defaults. */
export interface ResolvedOptions {
  authenticate: Authenticate | null;
  tokenSecret: string;
  /** The intake token of a ticket: HMAC-SHA256 of its id under `tokenSecret` (core's `hmacAccessToken`). */
  deriveToken: (ticketId: string) => Promise<string>;
  tokenExpiresIn: Duration | null;
  basePath: string;
  cors: { origins: string[]; credentials: boolean; maxAgeSeconds: number } | null;
  intakePerIp: { limit: number; windowMs: number } | null;
  intakePerEmail: { limit: number; windowMs: number } | null;
  tokenPerIp: { limit: number; windowMs: number } | null;
  tokenPerTicket: { limit: number; windowMs: number } | null;
  rateLimitStore: RateLimitStore;
  clientIp: ((request: Request) => string | null) | null;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  maxJsonDepth: number;
  honeypotField: string | null;
  intake: { topics: { id: string; label: string }[]; departments: boolean | string[]; priority: boolean };
  sessionCookie: string;
  onError: (error: unknown, request: Request) => void;
}

const duration = z.string().refine((value) => parseDuration(value) !== undefined, {
  message: "must be a duration such as '1m', '1h' or 'PT1H'",
});
const rateLimit = z.union([z.literal(false), z.strictObject({ limit: z.number().int().min(1), window: duration })]);
const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'must be a function',
});

const optionsSchema = z.strictObject({
  authenticate: fn.optional(),
  inboundEmail: inboundEmailOptionsSchema.optional(),
  customerTokens: z
    .strictObject({
      secret: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
      expiresIn: duration.nullable().optional(),
    })
    .optional(),
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, { message: "must be a path such as '/support/api', without a trailing slash" })
    .optional(),
  cors: z
    .strictObject({
      origins: z.array(
        z.string().refine((value) => /^https?:\/\/[^/\s]+$/.test(value), {
          message: "must be an origin such as 'https://www.example.com'",
        }),
      ),
      credentials: z.boolean().optional(),
      maxAge: duration.optional(),
    })
    .optional(),
  rateLimits: z
    .strictObject({
      intakePerIp: rateLimit.optional(),
      intakePerEmail: rateLimit.optional(),
      tokenPerIp: rateLimit.optional(),
      tokenPerTicket: rateLimit.optional(),
      store: z
        .custom<RateLimitStore>((value) => typeof (value as RateLimitStore | null)?.hit === 'function', {
          message: 'must have a hit() method',
        })
        .optional(),
    })
    .optional(),
  clientIp: fn.optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1_024)
    .max(100 * 1_048_576)
    .optional(),
  bodyTimeout: duration
    .refine((value) => (parseDuration(value) ?? 0) >= 1, { message: 'must be at least 1 ms' })
    .optional(),
  maxJsonDepth: z.number().int().min(2).max(1_000).optional(),
  honeypotField: z.union([z.literal(false), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/)]).optional(),
  intake: z
    .strictObject({
      topics: z.array(z.strictObject({ id: z.string().min(1).max(100), label: z.string().min(1).max(200) })).optional(),
      departments: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
      priority: z.boolean().optional(),
    })
    .optional(),
  // A cookie name is an RFC 6265 token: no separators, spaces or controls.
  sessionCookie: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, { message: "must be a cookie name such as 'session'" })
    .optional(),
  onError: fn.optional(),
  events: eventStreamOptionsSchema.optional(),
});

const window = (limit: z.infer<typeof rateLimit> | undefined, fallback: RateLimit) => {
  if (limit === false) return null;
  const chosen = limit ?? fallback;
  return { limit: chosen.limit, windowMs: parseDuration(chosen.window) ?? 60_000 };
};

function randomSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Checks the options (VALIDATION_FAILED naming the option) and applies the defaults. */
export function resolveOptions(options: SupportApiOptions = {}): ResolvedOptions {
  const parsed = parseInput(optionsSchema, options, 'createSupportApi options');
  const cors = parsed.cors;
  const tokenSecret = parsed.customerTokens?.secret ?? randomSecret();
  return {
    authenticate: (parsed.authenticate as Authenticate | undefined) ?? null,
    tokenSecret,
    deriveToken: hmacAccessToken(tokenSecret),
    tokenExpiresIn: parsed.customerTokens?.expiresIn === undefined ? '90d' : parsed.customerTokens.expiresIn,
    basePath: parsed.basePath ?? '',
    cors: cors
      ? {
          origins: cors.origins,
          credentials: cors.credentials ?? false,
          maxAgeSeconds: Math.round((parseDuration(cors.maxAge ?? '10m') ?? 600_000) / 1_000),
        }
      : null,
    intakePerIp: window(parsed.rateLimits?.intakePerIp, { limit: 60, window: '1m' }),
    intakePerEmail: window(parsed.rateLimits?.intakePerEmail, { limit: 10, window: '1h' }),
    tokenPerIp: window(parsed.rateLimits?.tokenPerIp, { limit: 300, window: '1m' }),
    tokenPerTicket: window(parsed.rateLimits?.tokenPerTicket, { limit: 120, window: '1m' }),
    rateLimitStore: parsed.rateLimits?.store ?? memoryRateLimitStore(),
    clientIp: (parsed.clientIp as ((request: Request) => string | null) | undefined) ?? null,
    maxBodyBytes: parsed.maxBodyBytes ?? 1_048_576,
    bodyTimeoutMs: parseDuration(parsed.bodyTimeout ?? '10s') ?? 10_000,
    maxJsonDepth: parsed.maxJsonDepth ?? 32,
    honeypotField: parsed.honeypotField === false ? null : (parsed.honeypotField ?? 'website'),
    intake: {
      topics: parsed.intake?.topics ?? [],
      departments: parsed.intake?.departments ?? false,
      priority: parsed.intake?.priority ?? false,
    },
    sessionCookie: parsed.sessionCookie ?? 'session',
    onError:
      (parsed.onError as ((error: unknown, request: Request) => void) | undefined) ??
      ((error) => console.error('ticketkit server: unexpected error', error)),
  };
}
