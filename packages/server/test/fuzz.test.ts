import type { Actor, HelpDesk, MemoryStorage, Ticket } from '@ticketkit/core';
import { createSupportApi, type Problem, type SupportApi, type SupportApiOptions } from '@ticketkit/server';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { actors, createTestDesk, storageSnapshot } from '../../core/test/support/test-desk.js';

/**
 * Fuzzing the HTTP API in-process, through `api.fetch`: intake and every
 * command fed valid payloads mutated field by field, raw bodies, hostile
 * headers, query strings and paths. Whatever comes in, every answer is below
 * 500; every refusal is a problem document whose `status` is the HTTP status,
 * and a VALIDATION_FAILED names fields the request has (its body, its query,
 * its headers, the ticket reference) — never an internal name; no header
 * carries CR/LF; prototype-pollution keys change nothing; a refused request
 * writes nothing; and a created ticket reads back with exactly what was sent.
 */

const ORIGIN = 'https://desk.test';
/** The one origin CORS lets in. */
const ALLOWED_ORIGIN = 'https://app.example';
const SESSION_HEADER = 'x-fuzz-session';
const MIN_REQUESTS = 100_000;

/** Every request the fuzzer sent, counted by {@link exchange}. */
let sent = 0;

// ---------------------------------------------------------------------------
// The desk under test
// ---------------------------------------------------------------------------

/** Your app's sessions, as the host's `authenticate` hook finds them (ghost and stranger are unknown to the desk). */
const SESSIONS = new Map<string, Actor>([
  ['ann', actors.ann],
  ['bob', actors.bob],
  ['winston', actors.winston],
  ['root', actors.root],
  ['ghost', { type: 'agent', id: 'ghost' }],
  ['ken', actors.ken],
  ['karen', actors.karen],
  ['stranger', { type: 'customer', email: 'stranger@example.com' }],
]);
const SESSION_NAMES = [...SESSIONS.keys()];

/** The host's custom fields. */
const customFields = z.looseObject({
  plan: z.enum(['free', 'pro']).optional(),
  seats: z.number().int().min(1).max(1_000).optional(),
});

interface PoolTicket {
  id: string;
  number: string;
  token: string;
}

interface Fixture {
  desk: HelpDesk;
  storage: MemoryStorage;
  api: SupportApi;
  /** Tickets in every status, for the commands to work on. */
  pool: PoolTicket[];
  /** What reached `onError` (only 5xx do). */
  errors: unknown[];
}

/** A fresh desk with tickets in every status and the API in front of it; rate limits off unless given. */
async function fixture(options: SupportApiOptions = {}, extraTickets = 0): Promise<Fixture> {
  const { desk, storage, open } = await createTestDesk({
    intake: { defaultDepartmentId: 'help' },
    lifecycle: { customStatuses: [{ id: 'escalated', name: 'Escalated', status: 'in_progress' }] },
    fields: customFields,
  });
  await desk.cannedResponses.upsert({ id: 'greeting', title: 'Greeting', body: 'Hello, we are on it.' });
  const { ann, root } = actors;
  const assigned = async (requester: Actor) => {
    const ticket = await open({}, requester);
    return desk.tickets.assign(ticket.id, { agentId: 'ann', teamId: 'help-team' }, { actor: ann });
  };
  const tickets: Ticket[] = [
    await open({}, actors.ken),
    await open({ departmentId: 'l2' }, actors.karen),
    await assigned(actors.karen),
    await desk.tickets.startWork((await assigned(actors.ken)).id, {}, { actor: ann }),
    await desk.tickets.requestInfo((await assigned(actors.ken)).id, { body: 'Which browser?' }, { actor: ann }),
    await desk.tickets.resolve((await assigned(actors.karen)).id, { resolutionNote: 'Reset.' }, { actor: ann }),
    await desk.tickets.close(
      (await desk.tickets.resolve((await assigned(actors.ken)).id, { resolutionNote: 'Done.' }, { actor: ann })).id,
      { force: true },
      { actor: root },
    ),
  ];
  for (let index = 0; index < extraTickets; index++) {
    await open({ subject: `Printer ${index} jams`, departmentId: index % 3 ? 'help' : 'l2' }, actors.ken);
  }
  const pool: PoolTicket[] = [];
  for (const ticket of tickets) {
    const { token } = await desk.accessTokens.issue(ticket.id, { actor: actors.system });
    pool.push({ id: ticket.id, number: ticket.number, token });
  }
  const errors: unknown[] = [];
  const api = createSupportApi(desk, {
    authenticate: (request) => SESSIONS.get(request.headers.get(SESSION_HEADER) ?? '') ?? null,
    rateLimits: { intakePerIp: false, intakePerEmail: false, tokenPerIp: false, tokenPerTicket: false },
    cors: { origins: [ALLOWED_ORIGIN], credentials: true },
    onError: (error) => errors.push(error),
    ...options,
  });
  return { desk, storage, api, pool, errors };
}

/** A fixture replaced every `uses` runs, so no desk grows without bound over a long property. */
function rotating(uses: number, make: () => Promise<Fixture> = () => fixture()) {
  let current: Promise<Fixture> | undefined;
  let used = 0;
  return async (): Promise<Fixture> => {
    if (current === undefined || used >= uses) {
      if (current) await (await current).desk.close();
      current = make();
      used = 0;
    }
    used++;
    return current;
  };
}

// ---------------------------------------------------------------------------
// One exchange, and what every answer must satisfy
// ---------------------------------------------------------------------------

/**
 * The headers the API reads: a refusal names them in `path`, with the pointer
 * `""` (a JSON Pointer points into the body, and they are not in it).
 */
const HEADER_FIELDS = new Set<unknown>(['If-Match', 'Idempotency-Key']);

/** The parameters of the lists. */
const LIST_PARAMETERS = ['q', 'limit', 'cursor'];

interface Outcome {
  status: number;
  headers: Headers;
  body: unknown;
}

const pointerOf = (path: readonly unknown[]) =>
  path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The keys (or indexes) at the top of a body, which a refusal may name. */
const topLevelKeys = (value: unknown): string[] =>
  value !== null && typeof value === 'object' ? Object.keys(value) : [];

/**
 * Sends one request and checks the answer against the invariants every
 * response keeps. `named` lists what a VALIDATION_FAILED may name as its
 * first path segment besides the keys of the body actually sent: the route's
 * fields, headers it reads, the ticket reference, query parameters.
 */
async function exchange(fx: Fixture, request: Request, named: Iterable<string>, sentBody?: unknown): Promise<Outcome> {
  sent++;
  const { method, url } = request;
  const response = await fx.api.fetch(request);
  const text = await response.text();
  const { status, headers } = response;
  const problems: string[] = [];
  if (status >= 500) problems.push('a 5xx');
  // Taken out, so a failure is blamed on this request alone while fast-check shrinks.
  const errors = fx.errors.splice(0);
  if (errors.length) problems.push(`onError was called: ${String(errors[0])}`);
  headers.forEach((value, name) => {
    if (/[\r\n\0]/.test(value)) problems.push(`header ${name} carries CR, LF or NUL`);
  });
  const location = headers.get('location');
  if (location !== null && !/^\/tickets\/[A-Za-z0-9-]+$/.test(location)) problems.push(`odd location ${location}`);
  if (headers.get('x-content-type-options') !== 'nosniff') problems.push('no x-content-type-options: nosniff');
  const allowOrigin = headers.get('access-control-allow-origin');
  if (allowOrigin !== null && (allowOrigin !== ALLOWED_ORIGIN || request.headers.get('origin') !== allowOrigin)) {
    problems.push(`access-control-allow-origin ${allowOrigin} for origin ${request.headers.get('origin')}`);
  }
  const type = headers.get('content-type') ?? '';
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('the body is not JSON');
    }
  }
  if (status >= 400 && method === 'HEAD') {
    // The answer to HEAD has the headers of the GET answer and no body.
    if (!type.startsWith('application/problem+json')) problems.push(`content-type ${type}, not a problem`);
  } else if (status >= 400) {
    if (!type.startsWith('application/problem+json')) problems.push(`content-type ${type}, not a problem`);
    const doc = (body ?? {}) as Partial<Problem>;
    if (doc.status !== status) problems.push(`problem status ${doc.status}`);
    if (typeof doc.code !== 'string' || !/^[A-Z_]+$/.test(doc.code)) problems.push('no code');
    if (typeof doc.title !== 'string' || typeof doc.detail !== 'string' || typeof doc.type !== 'string') {
      problems.push('no type, title or detail');
    }
    if (doc.code === 'VALIDATION_FAILED') {
      const allowed = new Set([...named, ...topLevelKeys(sentBody)]);
      if (!Array.isArray(doc.errors) || doc.errors.length === 0) problems.push('VALIDATION_FAILED without errors');
      for (const error of doc.errors ?? []) {
        if (!Array.isArray(error.path) || typeof error.pointer !== 'string' || typeof error.message !== 'string') {
          problems.push(`malformed field error ${JSON.stringify(error)}`);
        } else if (
          error.pointer !== pointerOf(error.path) &&
          !(error.pointer === '' && HEADER_FIELDS.has(error.path[0]))
        ) {
          problems.push(`pointer ${error.pointer} is not path ${JSON.stringify(error.path)}`);
        } else if (error.path.length > 0 && !allowed.has(String(error.path[0]))) {
          problems.push(`names ${error.pointer}, which the request does not have`);
        }
      }
    }
    if (status === 401 && !headers.has('www-authenticate')) problems.push('401 without WWW-Authenticate');
    if (status === 429 && !/^[1-9]\d*$/.test(headers.get('retry-after') ?? ''))
      problems.push('429 without Retry-After');
    if (status === 405) {
      const allow = (headers.get('allow') ?? '').split(', ');
      if (allow.includes(method)) problems.push(`405 with Allow: ${allow.join(', ')} for ${method}`);
    }
  } else if (method !== 'HEAD' && status !== 204) {
    if (!type.startsWith('application/json')) problems.push(`content-type ${type}`);
    const etag = headers.get('etag');
    if (etag !== null && !/^"[1-9]\d*"$/.test(etag)) problems.push(`odd etag ${etag}`);
  }
  if (problems.length) {
    throw new Error(`${method} ${url.slice(0, 200)} → ${status}: ${problems.join('; ')}\n${text.slice(0, 600)}`);
  }
  return { status, headers, body };
}

// ---------------------------------------------------------------------------
// Building requests
// ---------------------------------------------------------------------------

/** Who calls: nobody, a session of the host, a ticket's access token, or any Authorization header. */
type Caller =
  | { kind: 'anonymous' }
  | { kind: 'session'; name: string }
  | { kind: 'token'; index: number }
  | { kind: 'authorization'; value: string };

/** Whether the platform's Headers refuses a value (CR, LF, NUL inside, or a character above U+00FF). */
const platformRefuses = (value: string) =>
  /[^\x00-\xFF]/.test(value) || /[\0\r\n]/.test(value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ''));

const describeHeaders = (headers: Headers) => {
  const lines: string[] = [];
  headers.forEach((value, name) => {
    lines.push(`${name}: ${value}`);
  });
  return JSON.stringify(lines);
};

/** Headers with `entries` appended; values the platform itself refuses are left out (they never reach a server). */
function headersOf(entries: Iterable<readonly [string, string]>): Headers {
  const headers = new Headers();
  for (const [name, value] of entries) {
    try {
      headers.append(name, value);
    } catch (error) {
      if (!(error instanceof TypeError) || !(platformRefuses(value) || !/^[!#-'*+.0-9A-Z^-z|~]+$/.test(name))) {
        throw error;
      }
    }
  }
  return headers;
}

function callerHeaders(fx: Fixture, caller: Caller): [string, string][] {
  switch (caller.kind) {
    case 'anonymous':
      return [];
    case 'session':
      return [[SESSION_HEADER, caller.name]];
    case 'token':
      return [['authorization', `Bearer ${fx.pool[caller.index % fx.pool.length]?.token}`]];
    case 'authorization':
      return [['authorization', caller.value]];
  }
}

/** A ticket reference in a path: a pool ticket by id or number, or any path segment. */
type Ref = { kind: 'pool'; index: number; by: 'id' | 'number' } | { kind: 'raw'; segment: string };

function refSegment(fx: Fixture, ref: Ref): { segment: string; ticket: PoolTicket | undefined } {
  if (ref.kind === 'raw') return { segment: ref.segment, ticket: undefined };
  const ticket = fx.pool[ref.index % fx.pool.length];
  return { segment: ticket ? ticket[ref.by] : 'missing', ticket };
}

// ---------------------------------------------------------------------------
// Values: valid ones, and hostile ones to put in their place
// ---------------------------------------------------------------------------

const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A valid one-line text (subject, name, topic), with spaces around it sometimes (the desk trims them). */
const line = (max: number) =>
  fc
    .tuple(
      fc.constantFrom('', '', '', ' ', '  '),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(40, max) }),
      fc.constantFrom('', '', ' '),
    )
    .map(([before, text, after]) => `${before}${text}${after}`)
    .filter(
      (text) =>
        text.trim() !== '' && text.length <= max && !SINGLE_LINE_FORBIDDEN.test(text) && !LONE_SURROGATE.test(text),
    );

/** A valid multi-line text (a message body), stored exactly as sent. */
const multiline = (max = 300) =>
  fc
    .array(
      fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\t')),
      {
        minLength: 1,
        maxLength: 8,
      },
    )
    .map((parts) => parts.join(''))
    .filter(
      (text) =>
        text.trim() !== '' && text.length <= max && !MULTILINE_FORBIDDEN.test(text) && !LONE_SURROGATE.test(text),
    );

const email = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]{1,10}([._+-][a-z0-9]{1,5})?$/),
    fc.stringMatching(/^[a-z0-9]{1,10}\.[a-z]{2,6}$/),
    fc.boolean(),
  )
  .map(([local, domain, shout]) => (shout ? `${local}@${domain}`.toUpperCase() : `${local}@${domain}`));

/** Any string a header value can be (one byte per character). */
const latin1 = fc.string({
  unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

const idempotencyKey = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{16,40}$/);

const CONTROLS = ['\0', '\u0001', '\u0007', '\b', '\t', '\n', '\v', '\f', '\r', '\r\n', '\u001b', '\u007f'];
const SPECIAL_STRINGS = [
  ...CONTROLS,
  '\u0085',
  '\u009f',
  '\u2028',
  '\u2029',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  'x\uDFFF',
  '',
  ' ',
  '\t \n',
  '\u00a0',
  '\ufeff',
  '\u200b',
  '\u202e',
  'İı',
  'e\u0301',
  '𝒳',
  '👩‍👩‍👧',
  '../../etc/passwd',
  '%0d%0aSet-Cookie:%20a=b',
  'x\r\nSet-Cookie: a=b',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{{subject}}',
  '%s%n',
  'null',
  'true',
  '0',
  '-',
  '__proto__',
  'constructor',
  'ken@example.com',
  'ken@example.com\r\nBcc: all@example.com',
  'help',
  'ann',
];
const HUGE_UNITS = ['x', 'ab', 'é', '€', '𝒳', ' ', '\n', '\r\n', '\0', '\uD800'];
const HUGE_LENGTHS = [129, 256, 5_001, 100_001, 300_000, 1_048_000, 1_100_000];

/** A long string, up to ~1.1 M characters (several MB of UTF-8). */
const hugeString = fc
  .tuple(fc.constantFrom(...HUGE_UNITS), fc.constantFrom(...HUGE_LENGTHS))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Short hostile strings: any code points, controls, lone surrogates, look-alikes. */
const shortNastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...SPECIAL_STRINGS),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...SPECIAL_STRINGS), fc.string({ maxLength: 8 }))
    .map((parts) => parts.join('')),
);

// Huge strings are rare (about one payload in 300): each costs milliseconds to send.
const nastyString = fc.oneof({ weight: 110, arbitrary: shortNastyString }, { weight: 1, arbitrary: hugeString });

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 5, 6, 1.5, -0, 1e308, -1e308, 2 ** 53 + 2, 5e-324, 100, 101, 1_000_001),
  fc.integer(),
  fc.double(),
);

/** Nested arrays and objects, 1 to 60 levels deep (the server allows 32, the desk 16). */
const deepValue = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = arrays ? [value] : { a: value };
  return value;
});

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object with an own property that plain assignment would not create. */
function withOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const pollutingObject = fc
  .tuple(fc.constantFrom(...DANGEROUS_KEYS), fc.constantFrom('polluted', 'isAdmin', 'toString'))
  .map(([key, name]) => withOwn({}, key, { [name]: true }));

/** Anything that can stand where a field's value should be. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 3, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: pollutingObject },
);

const fieldName = fc.oneof(
  fc.constantFrom(...DANGEROUS_KEYS, 'website', 'toString', 'hasOwnProperty', 'id', 'status', 'version', 'actor', ''),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

// ---------------------------------------------------------------------------
// Routes with a body, their valid payloads, and mutations of them
// ---------------------------------------------------------------------------

type Payload = Record<string, unknown>;

/** `arbitrary`'s value with the given probability, else `null`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, probability: number): fc.Arbitrary<T | null> =>
  fc.oneof(
    { weight: Math.round(100 * (1 - probability)), arbitrary: fc.constant(null) },
    { weight: Math.round(100 * probability), arbitrary },
  );

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH';
  /** The path below the base path; `ref` fills in `:ref`. */
  path: (ref: string) => string;
  /** The fields of the body, which a refusal may name even when they were left out. */
  fields: string[];
  valid: fc.Arbitrary<Payload>;
  /** Who may call it at all (root passes every agent route, ken's session every customer one). */
  access: 'anyone' | 'ticket' | 'agent';
  /** Takes an `Idempotency-Key` (checked before `If-Match`). */
  keyed?: true;
}

const ticketPath = (suffix: string) => (ref: string) => `/tickets/${ref}${suffix}`;
const rating = fc.integer({ min: 1, max: 5 });
const agentId = fc.constantFrom('ann', 'bob', 'winston', 'root');
const teamId = fc.constantFrom('help-team');

const intakeFields = [
  'requester',
  'subject',
  'body',
  'priority',
  'departmentId',
  'topic',
  'source',
  'fields',
  'idempotencyKey',
  'website',
];
const intakePayload = fc.record(
  {
    requester: fc.record({ email, name: line(200) }, { requiredKeys: ['email'] }),
    subject: line(255),
    body: multiline(),
    priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
    departmentId: fc.constantFrom('help', 'help', 'l2'),
    topic: line(100),
    source: fc.constantFrom('web', 'email', 'api', 'phone'),
    fields: fc.record(
      { plan: fc.constantFrom('free', 'pro'), seats: fc.integer({ min: 1, max: 1_000 }) },
      {
        requiredKeys: [],
      },
    ),
    idempotencyKey,
    website: fc.constant(''),
  },
  { requiredKeys: ['requester', 'subject', 'body'] },
);

const INTAKE: BodyRoute = {
  name: 'intake',
  method: 'POST',
  path: () => '/tickets',
  fields: intakeFields,
  valid: intakePayload,
  access: 'anyone',
};

const COMMANDS: BodyRoute[] = [
  {
    name: 'reply',
    method: 'POST',
    path: ticketPath('/replies'),
    fields: ['body', 'cannedResponseId', 'idempotencyKey'],
    keyed: true,
    valid: fc.oneof(
      fc.record({ body: multiline() }),
      fc.record({ cannedResponseId: fc.constantFrom('greeting', 'unknown-one') }),
      fc.record({ body: multiline(), cannedResponseId: fc.constant('greeting') }),
    ),
    access: 'ticket',
  },
  {
    name: 'confirm',
    method: 'POST',
    path: ticketPath('/confirm'),
    fields: ['rating', 'comment'],
    valid: fc.record({ rating, comment: multiline() }, { requiredKeys: [] }),
    access: 'ticket',
  },
  {
    name: 'reopen',
    method: 'POST',
    path: ticketPath('/reopen'),
    fields: ['reason'],
    valid: fc.record({ reason: multiline() }, { requiredKeys: [] }),
    access: 'ticket',
  },
  {
    name: 'feedback',
    method: 'POST',
    path: ticketPath('/feedback'),
    fields: ['rating', 'comment'],
    valid: fc.record({ rating, comment: multiline() }, { requiredKeys: ['rating'] }),
    access: 'ticket',
  },
  {
    name: 'note',
    method: 'POST',
    path: ticketPath('/notes'),
    fields: ['body', 'idempotencyKey'],
    keyed: true,
    valid: fc.record({ body: multiline() }),
    access: 'agent',
  },
  {
    name: 'assign',
    method: 'POST',
    path: ticketPath('/assign'),
    fields: ['agentId', 'teamId'],
    valid: fc.record({ agentId: fc.option(agentId), teamId: fc.option(teamId) }, { requiredKeys: [] }),
    access: 'agent',
  },
  {
    name: 'unassign',
    method: 'POST',
    path: ticketPath('/unassign'),
    fields: [],
    valid: fc.constant({}),
    access: 'agent',
  },
  {
    name: 'transfer',
    method: 'POST',
    path: ticketPath('/transfer'),
    fields: ['departmentId', 'teamId', 'agentId', 'note'],
    valid: fc.record(
      { departmentId: fc.constantFrom('help', 'l2'), teamId: fc.option(teamId), agentId, note: multiline() },
      { requiredKeys: ['departmentId'] },
    ),
    access: 'agent',
  },
  {
    name: 'start',
    method: 'POST',
    path: ticketPath('/start'),
    fields: [],
    valid: fc.constant({}),
    access: 'agent',
  },
  {
    name: 'request-info',
    method: 'POST',
    path: ticketPath('/request-info'),
    fields: ['body'],
    valid: fc.record({ body: multiline() }),
    access: 'agent',
  },
  {
    name: 'resolve',
    method: 'POST',
    path: ticketPath('/resolve'),
    fields: ['resolutionNote', 'body'],
    valid: fc.record({ resolutionNote: multiline(), body: multiline() }, { requiredKeys: ['resolutionNote'] }),
    access: 'agent',
  },
  {
    name: 'close',
    method: 'POST',
    path: ticketPath('/close'),
    fields: ['force'],
    valid: fc.record({ force: fc.boolean() }, { requiredKeys: [] }),
    access: 'agent',
  },
  {
    name: 'update',
    method: 'PATCH',
    path: ticketPath(''),
    fields: ['priority', 'slaPlanId', 'subject', 'fields', 'customStatus'],
    valid: fc.record(
      {
        priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
        slaPlanId: fc.option(fc.constantFrom('pausing', 'running')),
        subject: line(255),
        fields: fc.record(
          { plan: fc.constantFrom('free', 'pro'), seats: fc.integer({ min: 1, max: 1_000 }) },
          {
            requiredKeys: [],
          },
        ),
        customStatus: fc.option(fc.constant('escalated')),
      },
      { requiredKeys: ['priority'] },
    ),
    access: 'agent',
  },
];
const BODY_ROUTES = [INTAKE, ...COMMANDS];
/** Routes travel through fast-check as indexes, so a counterexample prints short. */
const commandAt = (index: number) => COMMANDS[index] as BodyRoute;
const bodyRouteAt = (index: number) => BODY_ROUTES[index] as BodyRoute;

/** What a refusal may name besides the body's fields: the ticket reference and the headers the API reads. */
const OUTSIDE_THE_BODY = ['ref', 'If-Match', 'Idempotency-Key'];

/** One change to a payload: at the `at`-th object inside it (the payload itself, `requester`, `fields`…). */
type Mutation =
  | { op: 'drop'; at: number; key: number }
  | { op: 'set'; at: number; key: number; value: unknown }
  | { op: 'add'; at: number; name: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat(), key: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), key: fc.nat(), value: nastyValue }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), name: fieldName, value: nastyValue }),
);

function objectsIn(value: unknown, found: Record<string, unknown>[] = [], depth = 0): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object' || depth > 3) return found;
  if (!Array.isArray(value)) found.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) objectsIn(child, found, depth + 1);
  return found;
}

/** The payload with the mutations applied (own keys throughout: `__proto__` becomes a real key, as JSON.parse makes it). */
function mutate(payload: Payload, mutations: readonly Mutation[]): Payload {
  const copy = JSON.parse(JSON.stringify(payload)) as Payload;
  for (const change of mutations) {
    const objects = objectsIn(copy);
    const target = objects[change.at % objects.length];
    if (!target) continue;
    const keys = Object.keys(target);
    const key = change.op === 'add' ? change.name : keys[change.key % keys.length];
    if (key === undefined) continue;
    if (change.op === 'drop') {
      delete target[key];
      continue;
    }
    // A copy of an object: fast-check hands out the same instance more than once.
    const { value } = change;
    withOwn(target, key, typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value);
  }
  return copy;
}

/** The payload as JSON text; a duplicated key goes first, so the parser keeps the later (original) one. */
function jsonText(payload: Payload, duplicate: readonly [string, unknown] | null): string {
  const text = JSON.stringify(payload);
  if (!duplicate || text === '{}') return text;
  return `{${JSON.stringify(duplicate[0])}:${JSON.stringify(duplicate[1]) ?? 'null'},${text.slice(1)}`;
}

const mutatedPayload = (route: BodyRoute) =>
  fc
    .tuple(
      route.valid,
      // A third left valid, so the commands also run and change the tickets.
      fc.oneof(
        fc.constant([]),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
      ),
      sometimes(fc.tuple(fc.oneof(fc.constantFrom(...route.fields, 'x'), fieldName), nastyValue), 1 / 8),
    )
    .map(([valid, mutations, duplicate]) => ({ valid, text: jsonText(mutate(valid, mutations), duplicate) }));

const sessionCaller = fc.constantFrom(...SESSION_NAMES).map((name): Caller => ({ kind: 'session', name }));
const tokenCaller = fc.nat().map((index): Caller => ({ kind: 'token', index }));
const garbageBearer = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{0,300}$/),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  fc.constantFrom('', ' ', 'null', 'undefined', 'Bearer', '%00', 'A'.repeat(22), 'a.b.c'),
);
const authorizationCaller = fc
  .oneof(
    garbageBearer.map((token) => `Bearer ${token}`),
    garbageBearer.map((token) => `bearer  ${token} `),
    fc.constantFrom('Bearer', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer a b', 'Bearer\tAAAAAAAAAAAAAAAAAAAAAAAA'),
    latin1,
  )
  .map((value): Caller => ({ kind: 'authorization', value }));
const anyCaller: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Caller>({ kind: 'anonymous' }) },
  { weight: 5, arbitrary: sessionCaller },
  { weight: 3, arbitrary: tokenCaller },
  { weight: 1, arbitrary: authorizationCaller },
);

/** Mostly callers who may act: agents of the tickets' department, the admin, the requesters. */
const commandCaller: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('root', 'ann', 'bob').map((name): Caller => ({ kind: 'session', name })) },
  { weight: 2, arbitrary: fc.constantFrom('ken', 'karen').map((name): Caller => ({ kind: 'session', name })) },
  { weight: 2, arbitrary: tokenCaller },
  { weight: 2, arbitrary: anyCaller },
);

const rawSegment = fc.oneof(
  fc.constantFrom(
    'nope',
    '0',
    '999999',
    '00000000-0000-4000-8000-000000000000',
    'x'.repeat(200),
    '%0D%0ASet-Cookie:%20a=b',
    '%0A',
    '%00',
    '%E0%A4%A',
    '%ZZ',
    '%2F',
    '..',
    '%2E%2E',
    '%20',
    '__proto__',
    'constructor',
    '~',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map((text) => encodeURIComponent(text.replace(LONE_SURROGATE, 'x'))),
  fc.stringMatching(/^[\x21-\x7E]{1,30}$/).map((text) => text.replace(/[/?#%]/g, '_')),
);
const ref: fc.Arbitrary<Ref> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('pool' as const),
      index: fc.nat(),
      by: fc.constantFrom('id' as const, 'number' as const),
    }),
  },
  { weight: 1, arbitrary: rawSegment.map((segment): Ref => ({ kind: 'raw', segment })) },
);

/** An If-Match header value: an ETag, or anything. */
const ifMatch = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((version) => `"${version}"`),
  fc.integer({ min: 1, max: 20 }).map((version) => `W/"${version}"`),
  fc.constantFrom('*', '"-1"', '"1.5"', '1', '"99999999999999"', '"', '""', ' "1" ', '"1", "2"', '\r\n"1"'),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
);
const idempotencyHeader = fc.oneof(
  idempotencyKey,
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), 'x'.repeat(255), '\r\nkey', 'key\r\n', 'ké', 'k\u0000y', 'k\r\ny'),
  latin1,
  fc.string({ unit: 'binary', maxLength: 10 }),
);

// ---------------------------------------------------------------------------
// Raw bodies
// ---------------------------------------------------------------------------

const MAX_BODY = 1_048_576;
const CHUNK = 65_536;
/** Chunks of {@link CHUNK} bytes that fit in the body limit. */
const LIMIT_CHUNKS = MAX_BODY / CHUNK;
const encoder = new TextEncoder();

type RawBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'truncated'; text: string; cut: number }
  | { kind: 'invalid-utf8'; text: string; at: number; bad: number[] }
  | { kind: 'deep'; depth: number; arrays: boolean }
  | { kind: 'oversize'; extra: number }
  | { kind: 'primitive'; text: string }
  | { kind: 'blank'; text: string }
  | { kind: 'bom'; text: string }
  | { kind: 'broken-stream'; text: string; cut: number }
  | { kind: 'endless-stream' };

const INVALID_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const rawBody = (route: BodyRoute): fc.Arbitrary<RawBody> => {
  const text = route.valid.map((valid) => JSON.stringify(valid));
  return fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('truncated' as const), text, cut: fc.nat() }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('invalid-utf8' as const),
        text,
        at: fc.nat(),
        bad: fc.constantFrom(...INVALID_UTF8),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('deep' as const),
        depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 33, max: 10_000 })),
        arrays: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('oversize' as const), extra: fc.integer({ min: 1, max: 4096 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('primitive' as const),
        text: fc.oneof(
          fc.constantFrom('null', 'true', '0', '-1', '1e400', '"x"', '""', '[]', '[{}]', '[null]'),
          fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(Array.isArray(value) ? value : [value])),
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom('', ' ', '\n\t\r ') }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bom' as const), text }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('broken-stream' as const), text, cut: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'endless-stream' as const }) },
  );
};

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body to send, what it parses to (for the field names), and for a stream how many chunks the server pulled. */
function rawRequestBody(raw: RawBody): { body: BodyInit; parsed: unknown; pulled?: () => number } {
  switch (raw.kind) {
    case 'bytes':
      return { body: new Uint8Array(raw.bytes), parsed: tryParse(new TextDecoder().decode(raw.bytes)) };
    case 'truncated': {
      const bytes = encoder.encode(raw.text);
      return { body: bytes.slice(0, raw.cut % bytes.length), parsed: undefined };
    }
    case 'invalid-utf8': {
      const bytes = encoder.encode(raw.text);
      const at = raw.at % (bytes.length + 1);
      return { body: new Uint8Array([...bytes.slice(0, at), ...raw.bad, ...bytes.slice(at)]), parsed: undefined };
    }
    case 'deep': {
      const [open, close] = raw.arrays ? ['[', ']'] : ['{"a":', '}'];
      const text = `${open.repeat(raw.depth)}1${close.repeat(raw.depth)}`;
      return { body: text, parsed: raw.depth <= 32 ? JSON.parse(text) : undefined };
    }
    case 'oversize':
      return { body: `"${'x'.repeat(MAX_BODY + raw.extra)}"`, parsed: undefined };
    case 'primitive':
    case 'blank':
      return { body: raw.text, parsed: tryParse(raw.text) };
    case 'bom':
      return { body: `\uFEFF${raw.text}`, parsed: JSON.parse(raw.text) };
    case 'broken-stream': {
      const bytes = encoder.encode(raw.text);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, raw.cut % bytes.length));
          controller.error(new Error('the client went away'));
        },
      });
      return { body, parsed: undefined };
    }
    case 'endless-stream': {
      let pulled = 0;
      const chunk = encoder.encode(`"${'x'.repeat(CHUNK - 2)}"`);
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // Bounded all the same: twice the limit, then the stream ends.
          if (++pulled > 2 * LIMIT_CHUNKS) controller.close();
          else controller.enqueue(chunk);
        },
      });
      return { body, parsed: undefined, pulled: () => pulled };
    }
  }
}

/** What a body of this kind gets with a JSON media type, when the kind alone decides it. */
function expectedRawStatus(raw: RawBody, length: string | null): number | undefined {
  if (length !== null && Number(length) > MAX_BODY) return 413;
  switch (raw.kind) {
    case 'truncated':
    case 'invalid-utf8':
    case 'blank':
    case 'broken-stream':
      return 400;
    case 'oversize':
    case 'endless-stream':
      return 413;
    case 'deep':
    case 'primitive':
      return 422;
    default:
      return undefined;
  }
}

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'Application/JSON',
  'application/json; charset="utf-8"',
  'application/problem+json',
  'application/merge-patch+json',
  'application/vnd.ticketkit.v1+json',
  'application/json; foo=bar',
];
const OTHER_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/json+xml',
  'json',
  '',
  'application/xml',
  '*/*',
  'application/octet-stream',
];

type ContentType = { kind: 'json' | 'other' | 'any'; value: string } | { kind: 'none'; value: null };
const contentType: fc.Arbitrary<ContentType> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...JSON_TYPES).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES).map((value) => ({ kind: 'other' as const, value })) },
  { weight: 1, arbitrary: latin1.map((value) => ({ kind: 'any' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, value: null }) },
);
const contentLength = fc.oneof(
  fc.constantFrom('0', '1', 'abc', '-1', '1e9', '1048576', '1048577', '99999999999999999999', '0x10', ' 5', ''),
  fc.nat().map(String),
);

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

const GET_PATHS = [
  '/tickets/:ref',
  '/tickets/:ref/thread',
  '/tickets/:ref/history',
  '/queues',
  '/queues/open',
  '/search?q=printer',
  '/me/tickets',
  '/directory',
  '/intake-schema',
  '/openapi.json',
];
const getPath = (index: number, ref: string) => (GET_PATHS[index] ?? '/').replace(':ref', ref);

const authorizationValue = authorizationCaller.map((caller) => (caller.kind === 'authorization' ? caller.value : ''));

const randomHeader: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  ifMatch.map((value) => ['if-match', value] as const),
  idempotencyHeader.map((value) => ['idempotency-key', value] as const),
  authorizationValue.map((value) => ['authorization', value] as const),
  fc.constant(['cookie', 'session=abc'] as const),
  fc
    .constantFrom(ORIGIN, ALLOWED_ORIGIN, 'https://evil.example', 'null', 'https://desk.test.evil.example', '')
    .map((value) => ['origin', value] as const),
  fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none').map((value) => ['sec-fetch-site', value] as const),
  fc.constant(['x-ticketkit-csrf', '1'] as const),
  fc.constantFrom(...JSON_TYPES, ...OTHER_TYPES).map((value) => ['content-type', value] as const),
  fc.constantFrom(...SESSION_NAMES, 'nobody', '').map((value) => [SESSION_HEADER, value] as const),
  fc.tuple(
    fc.constantFrom(
      'x-forwarded-for',
      'accept',
      'user-agent',
      'host',
      'content-encoding',
      'transfer-encoding',
      'expect',
    ),
    latin1,
  ),
  fc.tuple(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }), latin1),
);

/** An ETag the API could have sent: a version from 1. */
const isETag = (value: string) => Number(/^(?:W\/)?"(\d{1,12})"$/.exec(value.trim())?.[1]) >= 1;

/**
 * The answer the headers alone decide, in the order the API checks them:
 * a Bearer token that does not verify (when the host's session is not
 * there first), a cookie-authenticated change from
 * elsewhere, who may call the route, the media type, then the
 * Idempotency-Key of intake or the If-Match of a command.
 */
function expectedHeaderStatus(
  headers: Headers,
  method: string,
  route: BodyRoute | undefined,
): { status: number; code: string; names?: string } | undefined {
  // The host's session wins; else a Bearer token must verify. Other schemes (Basic) are the host's, and ignored.
  const session = SESSIONS.get(headers.get(SESSION_HEADER) ?? '');
  const bearer = /^Bearer(\s|$)/i.test(headers.get('authorization') ?? '');
  if (bearer && !session) return { status: 401, code: 'UNAUTHENTICATED' };
  if (method !== 'GET' && headers.has('cookie') && !bearer && !headers.has('x-ticketkit-csrf')) {
    const origin = headers.get('origin');
    const allowed =
      origin === null ? headers.get('sec-fetch-site') === 'same-origin' : [ORIGIN, ALLOWED_ORIGIN].includes(origin);
    if (!allowed) return { status: 403, code: 'CSRF_REJECTED' };
  }
  if (!route) return undefined;
  const actor = session;
  if (route.access !== 'anyone' && !actor) return { status: 401, code: 'UNAUTHENTICATED' };
  if (route.access === 'agent' && actor?.type !== 'agent') return { status: 403, code: 'FORBIDDEN' };
  const type = headers.get('content-type');
  if (type !== null && OTHER_TYPES.includes(type)) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (type === null || !JSON_TYPES.includes(type)) return undefined;
  const key = headers.get('idempotency-key');
  if ((route === INTAKE || route.keyed) && key !== null && !/^[A-Za-z0-9._~+/=-]{16,255}$/.test(key)) {
    return { status: 422, code: 'VALIDATION_FAILED', names: 'Idempotency-Key' };
  }
  if (route === INTAKE) return undefined;
  const version = headers.get('if-match');
  if (version !== null && !isETag(version)) return { status: 422, code: 'VALIDATION_FAILED', names: 'If-Match' };
  return undefined;
}

// ---------------------------------------------------------------------------
// Queries and paths
// ---------------------------------------------------------------------------

const QUEUES = ['open', 'mine', 'unassigned', 'overdue', 'awaiting_customer', 'resolved', 'closed', 'all'];
const base64url = (text: string) =>
  btoa(String.fromCharCode(...encoder.encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Cursors the desk never handed out: well-formed base64url of positions of every shape. */
const forgedCursor = fc
  .oneof(
    fc.tuple(fc.string(), fc.string()),
    fc.tuple(fc.oneof(fc.integer(), fc.double(), fc.constant(-1))),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(['2026-03-02T09:00:00.000Z', '00000000-0000-4000-8000-000000000000'], [1e300], [-5], [0.5]),
  )
  .map((position) => base64url(JSON.stringify(position) ?? 'null'));

const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 150 }).map(String),
  fc.constantFrom(
    '',
    '1e400',
    '1.5',
    '0x10',
    ' 5',
    'NaN',
    'Infinity',
    '-0',
    '25 ',
    'abc',
    '%',
    '\0',
    '\uD800',
    'printer',
  ),
  shortNastyString,
  fc.constantFrom('x'.repeat(201), 'printer '.repeat(2_000)),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/),
  forgedCursor,
);

type Target =
  | { kind: 'list'; path: string; valid: boolean; query: [string, string][]; rawTail: string }
  | { kind: 'path'; method: string; path: string; headers: [string, string][] };

const listQuery: fc.Arbitrary<Target> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...QUEUES).map((name) => ({ path: `/queues/${name}`, valid: true })),
      rawSegment.map((name) => ({ path: `/queues/${name}`, valid: false })),
      fc.constantFrom('/search', '/me/tickets').map((path) => ({ path, valid: false })),
    ),
    fc.array(
      fc.tuple(
        fc.constantFrom('limit', 'limit', 'cursor', 'q', 'q', 'x', '__proto__', 'constructor', 'a/b', '~'),
        queryValue,
      ),
      { maxLength: 4 },
    ),
    fc.constantFrom('', '', '', 'limit=%ZZ', 'q=%E0%A4%A', '=', 'q', '&', 'limit=1&limit=2'),
  )
  .map(([{ path, valid }, query, rawTail]): Target => ({ kind: 'list', path, valid, query, rawTail }));

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'FOO'];
const SEGMENTS = [
  'tickets',
  ':ref',
  'replies',
  'confirm',
  'notes',
  'queues',
  'open',
  'search',
  'me',
  'directory',
  'openapi.json',
  'intake-schema',
  'thread',
  'history',
  '',
  '..',
  '.',
  '%2F',
  '%00',
  '%0D%0A',
  '%E0%A4%A',
  'TICKETS',
  '__proto__',
];

/** Any method on any path made of the API's own words, with a CORS preflight's headers sometimes. */
const anyPath: fc.Arbitrary<Target> = fc
  .tuple(
    fc.constantFrom(...METHODS),
    fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 4 }),
    fc.boolean(),
    fc.option(fc.tuple(fc.constantFrom(ALLOWED_ORIGIN, 'https://evil.example', 'null'), fc.constantFrom(...METHODS))),
  )
  .map(
    ([method, segments, trailing, preflight]): Target => ({
      kind: 'path',
      method,
      path: `/${segments.join('/')}${trailing && segments.length ? '/' : ''}`,
      headers: preflight
        ? [
            ['origin', preflight[0]],
            ['access-control-request-method', preflight[1]],
          ]
        : [],
    }),
  );

// ---------------------------------------------------------------------------
// Prototype pollution and line breaks
// ---------------------------------------------------------------------------

/** A dangerous key added to some object of a valid payload. */
const pollution: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constant('add' as const),
  at: fc.nat(),
  name: fc.constantFrom(...DANGEROUS_KEYS),
  value: fc.oneof(
    pollutingObject,
    fc.constant({ polluted: true, isAdmin: true }),
    fc.constant('x'),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 1 }),
  ),
});

/** The one-line fields of intake (`requester.name`…) and of the update command. */
const LINE_FIELDS = ['requester.name', 'requester.email', 'subject', 'topic', 'update:subject'] as const;

const withBreak = (text: string, breaker: string, at: number) => {
  const index = at % (text.length + 1);
  return `${text.slice(0, index)}${breaker}${text.slice(index)}`;
};

// ---------------------------------------------------------------------------
// Read-back of created tickets
// ---------------------------------------------------------------------------

const customerOf = (caller: Caller): Actor | undefined => {
  if (caller.kind !== 'session') return undefined;
  const actor = SESSIONS.get(caller.name);
  return actor?.type === 'customer' ? actor : undefined;
};

/**
 * A 201 from intake: the ticket reads back — with its access token and as an
 * admin — with exactly the values sent (after the documented normalization:
 * one-line texts trimmed, emails in lower case, defaults filled in), and its
 * first message is the body byte for byte.
 */
async function checkCreated(fx: Fixture, caller: Caller, sentBody: Payload, answer: Outcome) {
  const created = answer.body as { ticket: Ticket; accessToken: string };
  const requester = sentBody.requester as { email: string; name?: string } | undefined;
  const customer = customerOf(caller);
  const expected = {
    subject: String(sentBody.subject).trim(),
    priority: sentBody.priority ?? 'normal',
    source: sentBody.source ?? 'api',
    requester: {
      email: customer?.type === 'customer' ? customer.email : String(requester?.email).toLowerCase(),
      name: requester?.name?.trim() ?? (customer?.type === 'customer' ? (customer.name ?? null) : null),
    },
  };
  expect(answer.headers.get('location')).toBe(`/tickets/${created.ticket.number}`);
  expect(created.ticket).toMatchObject(expected);

  const bearer = { authorization: `Bearer ${created.accessToken}` };
  const path = `${ORIGIN}/tickets/${created.ticket.number}`;
  const [asCustomer, asAdmin, thread] = await Promise.all([
    exchange(fx, new Request(path, { headers: bearer }), []),
    exchange(fx, new Request(path, { headers: { [SESSION_HEADER]: 'root' } }), []),
    exchange(fx, new Request(`${path}/thread`, { headers: bearer }), []),
  ]);
  expect([asCustomer.status, asAdmin.status, thread.status]).toEqual([200, 200, 200]);
  expect(asCustomer.body).toMatchObject({ id: created.ticket.id, ...expected });
  expect(asAdmin.body).toMatchObject({
    ...expected,
    topic: typeof sentBody.topic === 'string' ? sentBody.topic.trim() : null,
    departmentId: sentBody.departmentId ?? 'help',
    fields: sentBody.fields ?? {},
    version: 1,
  });
  const [first] = (thread.body as { items: { kind: string; body: string }[] }).items;
  expect(first).toMatchObject({ kind: 'message', body: sentBody.body });
}

/** Several requests sent at once: the desk's crypto runs off the main thread, so they overlap. */
const batchOf = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { minLength: 1, maxLength: 6 });

/** One query (following the pages it hands out) or one request to any path. */
async function queryOrPath(fx: Fixture, target: Target, caller: Caller): Promise<void> {
  const entries = callerHeaders(fx, caller);
  if (target.kind === 'path') {
    entries.push(...target.headers);
    const url = `${ORIGIN}${target.path.replace(':ref', fx.pool[0]?.number ?? 'x')}`;
    // Whatever route it hits: a reference, headers, list parameters.
    const named = [...OUTSIDE_THE_BODY, ...LIST_PARAMETERS];
    await exchange(fx, new Request(url, { method: target.method, headers: headersOf(entries) }), named);
    return;
  }
  const search = [new URLSearchParams(target.query).toString(), target.rawTail].filter(Boolean).join('&');
  const url = new URL(`${ORIGIN}${target.path}${search === '' ? '' : `?${search}`}`);
  const sentKeys = [...url.searchParams.keys()];
  const named = [...LIST_PARAMETERS, ...sentKeys];
  const send = async (at: URL) => {
    const answer = await exchange(fx, new Request(at, { headers: headersOf(entries) }), named);
    for (const error of (answer.body as Partial<Problem>).errors ?? []) {
      if (error.message === 'is given twice') {
        expect(sentKeys.filter((key) => key === error.path[0]).length, error.pointer).toBeGreaterThan(1);
      }
    }
    return answer;
  };
  let answer = await send(url);
  const agent = caller.kind === 'session' && SESSIONS.get(caller.name)?.type === 'agent' && caller.name !== 'ghost';
  const plain =
    target.rawTail === '' &&
    target.query.length <= 1 &&
    target.query.every(([key, value]) => key === 'limit' && /^(100|[1-9]\d?)$/.test(value));
  if (agent && plain && target.valid) expect(answer.status, url.href).toBe(200);
  // Follow the pages a list hands out: each next page is served, none is bigger than the limit.
  const limit = Number(url.searchParams.get('limit') ?? 25);
  for (let page = 0; page < 3 && answer.status === 200; page++) {
    const { items, nextCursor } = answer.body as { items?: unknown[]; nextCursor?: string | null };
    if (items && Number.isInteger(limit)) expect(items.length).toBeLessThanOrEqual(limit);
    if (typeof nextCursor !== 'string') break;
    const following = new URL(url);
    following.searchParams.set('cursor', nextCursor);
    answer = await send(following);
    expect(answer.status, following.href).toBe(200);
  }
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

const PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype);

describe('fuzzing the HTTP API in-process', () => {
  test('every body route is fuzzed here', async () => {
    const { api } = await fixture();
    const fuzzed = new Set(BODY_ROUTES.map((route) => `${route.method} ${route.path(':ref')}`));
    const withBody = api.routes
      .filter((route) => route.method !== 'GET')
      .map((route) => `${route.method} ${route.path}`);
    expect(new Set(withBody)).toEqual(fuzzed);
  });

  test('intake: mutated payloads, anonymous, signed in or with tokens; created tickets read back as sent', async () => {
    const next = rotating(600);
    let created = 0;
    await fc.assert(
      fc.asyncProperty(
        batchOf(
          fc.tuple(
            mutatedPayload(INTAKE),
            fc.oneof(
              { weight: 3, arbitrary: fc.constant<Caller>({ kind: 'anonymous' }) },
              { weight: 2, arbitrary: anyCaller },
            ),
            sometimes(idempotencyHeader, 1 / 5),
          ),
        ),
        async (batch) => {
          const fx = await next();
          const known = new Set(fx.storage.state.tickets.keys());
          const answers = await Promise.all(
            batch.map(async ([{ text }, caller, key]) => {
              const entries: [string, string][] = [['content-type', 'application/json'], ...callerHeaders(fx, caller)];
              if (key !== null) entries.push(['idempotency-key', key]);
              const request = new Request(`${ORIGIN}/tickets`, {
                method: 'POST',
                headers: headersOf(entries),
                body: text,
              });
              const keyHeader = request.headers.get('idempotency-key');
              const sentBody = JSON.parse(text) as Payload;
              const answer = await exchange(fx, request, [...intakeFields, ...OUTSIDE_THE_BODY], sentBody);
              return { caller, text, keyHeader, sentBody, answer };
            }),
          );
          // Every ticket written was answered with a 201; a 201 for a ticket that existed (or twice) is a retry.
          const fresh = new Map<string, (typeof answers)[number]>();
          for (const item of answers) {
            if (item.answer.status !== 201) continue;
            created++;
            const { id } = (item.answer.body as { ticket: Ticket }).ticket;
            if (known.has(id) || fresh.has(id)) expect(item.keyHeader ?? item.sentBody.idempotencyKey).toBeDefined();
            else fresh.set(id, item);
          }
          expect(fx.storage.state.tickets.size, 'tickets written without a 201').toBe(known.size + fresh.size);
          await Promise.all(
            [...fresh.values()].map((item) => checkCreated(fx, item.caller, item.sentBody, item.answer)),
          );
          for (const [id, item] of fresh) {
            if (item.keyHeader !== null || typeof item.sentBody.idempotencyKey !== 'string') continue;
            // The same request again is answered with the same ticket and the same token.
            const retry = await exchange(
              fx,
              new Request(`${ORIGIN}/tickets`, {
                method: 'POST',
                headers: headersOf([['content-type', 'application/json'], ...callerHeaders(fx, item.caller)]),
                body: item.text,
              }),
              [...intakeFields, ...OUTSIDE_THE_BODY],
              item.sentBody,
            );
            expect(retry.status).toBe(201);
            expect(retry.body).toMatchObject({
              ticket: { id },
              accessToken: (item.answer.body as { accessToken: string }).accessToken,
            });
          }
          expect(fx.storage.state.tickets.size, 'a retry wrote a ticket').toBe(known.size + fresh.size);
        },
      ),
      { numRuns: 4_500 },
    );
    // The mutations leave enough payloads valid for the read-back to mean something.
    expect(created).toBeGreaterThan(1_000);
  }, 120_000);

  test('every command: mutated payloads by every kind of caller, with If-Match', async () => {
    const next = rotating(2_000);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc
          .nat({ max: COMMANDS.length - 1 })
          .chain((index) => fc.tuple(fc.constant(index), mutatedPayload(commandAt(index)))),
        commandCaller,
        ref,
        sometimes(ifMatch, 1 / 6),
        async ([index, { text }], caller, where, version) => {
          const fx = await next();
          const route = commandAt(index);
          const { segment, ticket } = refSegment(fx, where);
          const entries: [string, string][] = [['content-type', 'application/json'], ...callerHeaders(fx, caller)];
          if (version !== null) entries.push(['if-match', version]);
          const stored = ticket ? fx.storage.state.tickets.get(ticket.id)?.version : undefined;
          const answer = await exchange(
            fx,
            new Request(`${ORIGIN}${route.path(segment)}`, {
              method: route.method,
              headers: headersOf(entries),
              body: text,
            }),
            [...route.fields, ...OUTSIDE_THE_BODY],
            JSON.parse(text),
          );
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 400 && ticket) {
            expect(fx.storage.state.tickets.get(ticket.id)?.version, 'a refused command changed the ticket').toBe(
              stored,
            );
          }
        },
      ),
      { numRuns: 24_000 },
    );
    // Not everything is refused: the commands do run, on tickets in every status.
    expect(statuses.get(200)).toBeGreaterThan(1_000);
    expect(statuses.get(409)).toBeGreaterThan(100);
  }, 120_000);

  test('raw bodies: random bytes, truncated JSON, invalid UTF-8, deep nesting, wrong media types, broken streams', async () => {
    const next = rotating(3_000);
    await fc.assert(
      fc.asyncProperty(
        batchOf(
          fc.tuple(
            fc
              .nat({ max: BODY_ROUTES.length - 1 })
              .chain((index) => fc.tuple(fc.constant(index), rawBody(bodyRouteAt(index)))),
            contentType,
            sometimes(contentLength, 1 / 6),
          ),
        ),
        async (batch) => {
          const fx = await next();
          await Promise.all(
            batch.map(async ([[index, raw], type, length]) => {
              const route = bodyRouteAt(index);
              const entries: [string, string][] = [];
              if (route.access !== 'anyone') entries.push([SESSION_HEADER, 'root']);
              if (type.value !== null) entries.push(['content-type', type.value]);
              if (length !== null) entries.push(['content-length', length]);
              const built = rawRequestBody(raw);
              const request: Request = new Request(`${ORIGIN}${route.path(fx.pool[0]?.number ?? 'missing')}`, {
                method: route.method,
                headers: headersOf(entries),
                body: built.body,
                duplex: 'half',
              } as RequestInit);
              const answer = await exchange(fx, request, [...route.fields, ...OUTSIDE_THE_BODY], built.parsed);
              // What the server sees: the platform trims header values.
              const declared = request.headers.get('content-length');
              const expected =
                type.kind === 'other' ? 415 : type.kind === 'json' ? expectedRawStatus(raw, declared) : undefined;
              const what = `${route.name}: ${raw.kind} as ${type.value}, length ${declared} → ${answer.status}`;
              if (expected !== undefined) expect(answer.status, what).toBe(expected);
              if (expected === 422 && raw.kind === 'deep' && raw.depth > 32) {
                expect((answer.body as Problem).errors).toEqual([
                  { pointer: '', path: [], message: expect.any(String) },
                ]);
              }
              // Past the limit, the server stops reading a body without Content-Length: it never pulls it all.
              // (A declared length is HTTP's framing, which ends the body there; only an in-process Request can lie.)
              if (built.pulled && !/^\d+$/.test(declared ?? '')) {
                expect(built.pulled(), what).toBeLessThanOrEqual(LIMIT_CHUNKS + 2);
              }
            }),
          );
        },
      ),
      { numRuns: 3_500 },
    );
  }, 120_000);

  test('headers: If-Match, Idempotency-Key, Authorization, cookies and origins, content types, anything', async () => {
    const next = rotating(1_000);
    await fc.assert(
      fc.asyncProperty(
        batchOf(
          fc.tuple(
            fc
              .nat({ max: BODY_ROUTES.length + GET_PATHS.length - 1 })
              .chain((index) =>
                fc.tuple(
                  fc.constant(index),
                  index < BODY_ROUTES.length
                    ? bodyRouteAt(index).valid.map((valid) => JSON.stringify(valid))
                    : fc.constant(null),
                ),
              ),
            fc.array(randomHeader, { maxLength: 6 }),
            fc.constantFrom('root', 'ann', 'ken', null),
          ),
        ),
        async (batch) => {
          const fx = await next();
          await Promise.all(
            batch.map(async ([[index, text], extra, session]) => {
              const route = index < BODY_ROUTES.length ? bodyRouteAt(index) : undefined;
              const ticket = fx.pool[index % fx.pool.length];
              const path = route
                ? route.path(ticket?.number ?? 'x')
                : getPath(index - BODY_ROUTES.length, ticket?.number ?? 'x');
              const entries: [string, string][] = [];
              if (text !== null) entries.push(['content-type', 'application/json']);
              if (session !== null) entries.push([SESSION_HEADER, session]);
              const method = route?.method ?? 'GET';
              const request = new Request(`${ORIGIN}${path}`, {
                method,
                headers: headersOf([...entries, ...extra]),
                ...(text === null ? {} : { body: text }),
              });
              // What the server sees: the platform normalizes header values once more when it builds the request.
              const { headers } = request;
              const answer = await exchange(
                fx,
                request,
                [...(route?.fields ?? []), ...OUTSIDE_THE_BODY],
                text === null ? undefined : JSON.parse(text),
              );
              const expected = expectedHeaderStatus(headers, method, route);
              if (!expected) return;
              const problem = answer.body as Problem;
              expect(answer.status, `${method} ${path} with ${describeHeaders(headers)}`).toBe(expected.status);
              expect(problem.code).toBe(expected.code);
              if (expected.names) expect(problem.errors?.map((error) => error.path[0])).toContain(expected.names);
            }),
          );
        },
      ),
      { numRuns: 3_500 },
    );
  }, 120_000);

  test('queries and paths: queues, search, pages and cursors; any method on any path', async () => {
    const next = rotating(2_000, () => fixture({}, 40));
    await fc.assert(
      fc.asyncProperty(
        batchOf(
          fc.tuple(
            fc.oneof({ weight: 3, arbitrary: listQuery }, { weight: 1, arbitrary: anyPath }),
            fc.oneof({ weight: 4, arbitrary: sessionCaller }, { weight: 1, arbitrary: anyCaller }),
          ),
        ),
        async (batch) => {
          const fx = await next();
          await Promise.all(batch.map(([target, caller]) => queryOrPath(fx, target, caller)));
        },
      ),
      { numRuns: 7_000 },
    );
  }, 120_000);

  test('prototype-pollution keys are refused, naming the key, and change nothing', async () => {
    const next = rotating(1_000);
    await fc.assert(
      fc.asyncProperty(
        fc
          .nat({ max: BODY_ROUTES.length - 1 })
          .chain((index) =>
            fc.tuple(fc.constant(index), bodyRouteAt(index).valid, fc.array(pollution, { minLength: 1, maxLength: 3 })),
          ),
        async ([index, valid, injections]) => {
          const fx = await next();
          const route = bodyRouteAt(index);
          const payload = mutate(valid, injections);
          const text = JSON.stringify(payload);
          const before = storageSnapshot(fx.storage);
          const headers = headersOf([
            ['content-type', 'application/json'],
            ...(route.access === 'anyone' ? [] : ([[SESSION_HEADER, 'root']] as [string, string][])),
          ]);
          const answer = await exchange(
            fx,
            new Request(`${ORIGIN}${route.path(fx.pool[index % fx.pool.length]?.number ?? 'x')}`, {
              method: route.method,
              headers,
              body: text,
            }),
            [...route.fields, ...OUTSIDE_THE_BODY],
            JSON.parse(text),
          );
          expect(answer.status, text).toBe(422);
          const paths = ((answer.body as Problem).errors ?? []).map((error) => error.path);
          expect(paths.some((path) => path.some((segment) => DANGEROUS_KEYS.includes(segment as never)))).toBe(true);
          expect(storageSnapshot(fx.storage)).toBe(before);
        },
      ),
      { numRuns: 3_000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Reflect.ownKeys(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  }, 120_000);

  test('CR/LF in names and subjects is refused naming the field, and never reaches a header', async () => {
    const next = rotating(2_000);
    await fc.assert(
      fc.asyncProperty(
        intakePayload,
        fc.constantFrom(...LINE_FIELDS),
        fc.constantFrom(
          '\r',
          '\n',
          '\r\n',
          '\r\nSet-Cookie: a=b',
          '\nLocation: https://evil.example',
          '\u2028',
          '\u2029',
          '\u0085',
          '\0',
          '\t',
        ),
        fc.nat(),
        fc.constantFrom<Caller>(
          { kind: 'anonymous' },
          { kind: 'session', name: 'ken' },
          { kind: 'session', name: 'root' },
        ),
        async (valid, field, breaker, at, caller) => {
          const fx = await next();
          const payload: Payload = { ...valid, requester: { ...(valid.requester as object) } };
          if (field === 'update:subject') {
            const ticket = fx.pool[at % fx.pool.length];
            const subject = withBreak(String(valid.subject), breaker, at);
            const answer = await exchange(
              fx,
              new Request(`${ORIGIN}/tickets/${ticket?.number}`, {
                method: 'PATCH',
                headers: { 'content-type': 'application/json', [SESSION_HEADER]: 'root' },
                body: JSON.stringify({ subject }),
              }),
              OUTSIDE_THE_BODY,
              { subject },
            );
            expect(answer.status).toBe(422);
            expect((answer.body as Problem).errors?.map((error) => error.pointer)).toContain('/subject');
            return;
          }
          const [head, tail] = field.split('.') as [string, string | undefined];
          const container = (tail ? payload[head] : payload) as Record<string, unknown>;
          const key = tail ?? head;
          container[key] = withBreak(String(container[key] ?? 'Billing'), breaker, at);
          const answer = await exchange(
            fx,
            new Request(`${ORIGIN}/tickets`, {
              method: 'POST',
              headers: headersOf([['content-type', 'application/json'], ...callerHeaders(fx, caller)]),
              body: JSON.stringify(payload),
            }),
            [...intakeFields, ...OUTSIDE_THE_BODY],
            payload,
          );
          expect(answer.status, JSON.stringify(payload)).toBe(422);
          const pointers = (answer.body as Problem).errors?.map((error) => error.pointer);
          // A customer's own session fills in the requester: the body's requester is then still checked.
          expect(pointers).toContain(`/${field.replace('.', '/')}`);
        },
      ),
      { numRuns: 3_000 },
    );
  }, 120_000);

  test('rate limits: intake beyond the limit is a 429 with Retry-After, per IP and per email', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::1'),
            fc.constantFrom('a@example.com', 'B@example.com', 'b@EXAMPLE.com'),
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        async (attempts) => {
          const fx = await fixture({
            rateLimits: { intakePerIp: { limit: 3, window: '1h' }, intakePerEmail: { limit: 2, window: '1h' } },
            clientIp: (request) => request.headers.get('x-client-ip'),
          });
          const perIp = new Map<string, number>();
          const perEmail = new Map<string, number>();
          for (const [ip, address] of attempts) {
            const body = JSON.stringify({ requester: { email: address }, subject: 'Locked out', body: 'Help.' });
            const answer = await exchange(
              fx,
              new Request(`${ORIGIN}/tickets`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-client-ip': ip },
                body,
              }),
              intakeFields,
            );
            const ipHits = (perIp.get(ip) ?? 0) + 1;
            perIp.set(ip, ipHits);
            let expected = 429;
            if (ipHits <= 3) {
              const emailHits = (perEmail.get(address.toLowerCase()) ?? 0) + 1;
              perEmail.set(address.toLowerCase(), emailHits);
              expected = emailHits <= 2 ? 201 : 429;
            }
            expect(answer.status).toBe(expected);
            if (expected === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(3_000);
          }
          await fx.desk.close();
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  test(`sent at least ${MIN_REQUESTS} requests, and nothing reached Object.prototype`, () => {
    expect(sent, `${sent} requests`).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Reflect.ownKeys(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  });
});
