import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createHelpDesk,
  type DeliveryOptions,
  isTicketkitError,
  manualClock,
  memoryStorage,
  type Notification,
} from '@ticketkit/core';
import { makeTicket } from '@ticketkit/core/testing';
import {
  generateWebhookSecret,
  type StandardWebhookNotifierOptions,
  type StandardWebhookPayload,
  signStandardWebhook,
  standardWebhookNotifier,
  verifyStandardWebhook,
} from '@ticketkit/server';
import { expect, onTestFinished, test } from 'vitest';

const SECRET = generateWebhookSecret();
const ken = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** One request as the receiver saw it, and what `verifyStandardWebhook` made of it. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent. */
  body: string;
  /** The verified payload, or `null` when verification refused the request. */
  payload: StandardWebhookPayload | null;
  /** Why verification refused it, or `null`. */
  refusal: string | null;
  /** Resolves when the connection closes; `true` if the sender went away before an answer. */
  closed: Promise<boolean>;
}

type Answer = number | { status: number; body?: string; location?: string } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that verifies every request with
 * `verifyStandardWebhook` under `secret` (answering 401 when it refuses), then
 * answers as `answer` says.
 */
async function startReceiver(
  answer: (request: Received, earlier: readonly Received[]) => Answer,
  { secret = SECRET, path = '/hooks/ticketkit' } = {},
) {
  const requests: Received[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let answered = false;
    const closed = new Promise<boolean>((resolve) => res.on('close', () => resolve(!answered)));
    let payload: StandardWebhookPayload | null = null;
    let refusal: string | null = null;
    try {
      payload = await verifyStandardWebhook<StandardWebhookPayload>(body, req.headers, secret);
    } catch (error) {
      refusal = (error as Error).message;
    }
    const request: Received = { path: req.url ?? '', headers: req.headers, body, payload, refusal, closed };
    const earlier = [...requests];
    requests.push(request);
    for (const waiter of waiting.filter((one) => requests.length >= one.count)) waiter.resolve();
    const reply = refusal ? { status: 401, body: refusal } : answer(request, earlier);
    if (reply === 'hang') return;
    const { status, body: text, location } = typeof reply === 'number' ? { status: reply } : reply;
    answered = true;
    res.writeHead(status, location ? { location } : {}).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  onTestFinished(
    () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${port}${path}`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    /** Resolves once `count` requests have arrived. */
    arrival: (count: number) =>
      new Promise<void>((resolve) => {
        if (requests.length >= count) resolve();
        else waiting.push({ count, resolve });
      }),
  };
}

/** A real desk whose only notifier is a Standard Webhook to `url`: one department, one agent in it. */
async function deskPostingTo(
  url: string,
  options: { webhook?: Partial<StandardWebhookNotifierOptions>; delivery?: DeliveryOptions } = {},
) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    clock,
    notifiers: [standardWebhookNotifier({ url, secret: SECRET, ...options.webhook })],
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@desk.test', departmentIds: ['help'] });
  const open = () =>
    desk.tickets.open(
      { subject: 'Card blocked abroad', body: 'My card does not work in Lisbon.', departmentId: 'help' },
      { actor: ken },
    );
  const deliveriesOf = async (ticketId: string) => (await desk.deliveries.list({ ticketId })).items;
  return { desk, clock, open, deliveriesOf };
}

/** What `verifyStandardWebhook` throws for a request, as `{ code, path, message }`. */
async function refusalOf(...args: Parameters<typeof verifyStandardWebhook>) {
  try {
    await verifyStandardWebhook(...args);
  } catch (error) {
    if (!isTicketkitError(error)) throw error;
    return { code: error.code, path: error.issues[0]?.path.join('.'), message: error.message };
  }
  throw new Error('verifyStandardWebhook accepted the request');
}

// The test vector of the Standard Webhooks reference libraries: the same "sign function works" case in
// standard-webhooks/standard-webhooks libraries/javascript/src/webhook.test.ts and libraries/go/webhook_test.go.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test('signing matches the reference libraries’ test vector and an independent HMAC', async () => {
  const message = { id: VECTOR.id, timestamp: new Date(VECTOR.timestamp * 1000 + 999), payload: VECTOR.payload };
  expect(await signStandardWebhook(VECTOR.secret, message)).toBe(VECTOR.signature);
  // The prefix is optional, as in the reference libraries; bytes are signed as they are.
  expect(await signStandardWebhook(VECTOR.secret.slice('whsec_'.length), message)).toBe(VECTOR.signature);
  expect(await signStandardWebhook(VECTOR.secret, { ...message, payload: Buffer.from(VECTOR.payload) })).toBe(
    VECTOR.signature,
  );

  const headers = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };
  const at = new Date(VECTOR.timestamp * 1000);
  expect(await verifyStandardWebhook(VECTOR.payload, headers, VECTOR.secret, { now: at })).toEqual({
    test: 2432232314,
  });
  // The reference libraries' multi-signature case: unknown versions and non-matching v1 signatures are skipped.
  const decoy = 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
  const several = { ...headers, 'webhook-signature': `v1,${decoy} v2,${decoy} ${VECTOR.signature} v1,${decoy}` };
  expect(await verifyStandardWebhook(VECTOR.payload, several, VECTOR.secret, { now: at })).toEqual({
    test: 2432232314,
  });
  const decoysOnly = { ...headers, 'webhook-signature': `v1,${decoy} v2,${decoy}` };
  expect(await refusalOf(VECTOR.payload, decoysOnly, VECTOR.secret, { now: at })).toMatchObject({
    code: 'VALIDATION_FAILED',
    path: 'webhook-signature',
  });

  // Non-ASCII bodies against node:crypto's HMAC: the signed content is the UTF-8 of "{id}.{timestamp}.{body}".
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: 'ticket.new_alert', data: { subject: 'Cartão bloqueado em Lisboa ✈️' } });
  const independent = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`msg_42.1772442000.${body}`)
    .digest('base64');
  expect(await signStandardWebhook(secret, { id: 'msg_42', timestamp: new Date(1772442000_000), payload: body })).toBe(
    `v1,${independent}`,
  );
});

test('secrets: generated ones are whsec_ and 32 random bytes; a rotating sender signs with both', async () => {
  const secret = generateWebhookSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  expect(generateWebhookSecret()).not.toBe(secret);

  const [older, newer] = [generateWebhookSecret(), generateWebhookSecret()];
  const now = new Date('2026-03-02T09:00:00Z');
  const message = { id: 'msg_1', timestamp: now, payload: '{"type":"ticket.new_alert"}' };
  const both = await signStandardWebhook([newer, older], message);
  expect(both.split(' ')).toEqual([
    await signStandardWebhook(newer, message),
    await signStandardWebhook(older, message),
  ]);
  const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(unixSeconds(now)), 'webhook-signature': both };
  for (const known of [older, newer]) {
    expect(await verifyStandardWebhook(message.payload, headers, known, { now })).toEqual({
      type: 'ticket.new_alert',
    });
  }
  expect(await refusalOf(message.payload, headers, generateWebhookSecret(), { now })).toMatchObject({
    path: 'webhook-signature',
  });
  // The spec's minimum: a sender refuses to sign with fewer than 24 bytes of secret.
  await expect(signStandardWebhook(`whsec_${Buffer.alloc(16).toString('base64')}`, message)).rejects.toThrow(
    'secret: must decode to at least 24 bytes, not 16',
  );
  await expect(signStandardWebhook(newer, { ...message, id: 'msg.1' })).rejects.toThrow('message.id');
});

test('a new ticket posts the auto-response and the new-ticket alert as verified Standard Webhooks', async () => {
  const hooks = await startReceiver(() => 204);
  const { desk, open, deliveriesOf } = await deskPostingTo(hooks.url);

  const before = unixSeconds(new Date());
  const ticket = await open();
  await desk.deliveries.idle();
  const after = unixSeconds(new Date());

  expect(hooks.requests.map((request) => request.refusal)).toEqual([null, null]);
  const byType = new Map(hooks.requests.map((request) => [request.payload?.type, request]));
  const autoResponse = byType.get('ticket.auto_response');
  const alert = byType.get('ticket.new_alert');
  expect(new Set(byType.keys())).toEqual(new Set(['ticket.auto_response', 'ticket.new_alert']));

  const deliveries = await deliveriesOf(ticket.id);
  expect(deliveries.map((delivery) => [delivery.status, delivery.attempts.length, delivery.notifierId])).toEqual([
    ['delivered', 1, 'standard-webhook'],
    ['delivered', 1, 'standard-webhook'],
  ]);
  for (const request of [autoResponse, alert]) {
    const headers = request?.headers ?? {};
    expect(request?.path).toBe('/hooks/ticketkit');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const timestamp = Number(headers['webhook-timestamp']);
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    // webhook-id is the notification's id, which keys the delivery log.
    const delivery = deliveries.find((one) => one.id === headers['webhook-id']);
    expect(delivery).toBeDefined();
    expect(request?.payload?.data.id).toBe(delivery?.id);
    expect(request?.payload?.data.messageId).toBe(delivery?.messageId);
    // The event time is the change's, on the desk's clock; the attempt's time is in webhook-timestamp.
    expect(request?.payload?.timestamp).toBe('2026-03-02T09:00:00.000Z');
    expect(request?.payload?.timestamp).toBe(ticket.updatedAt);
  }
  expect(autoResponse?.payload).toMatchObject({
    type: 'ticket.auto_response',
    data: {
      recipient: null,
      subject: `[#${ticket.number}] Card blocked abroad`,
      text: expect.stringContaining('Dear Ken,'),
      ticket: { id: ticket.id, number: ticket.number, status: 'open' },
    },
  });
  expect(alert?.payload).toMatchObject({
    type: 'ticket.new_alert',
    data: {
      recipient: null,
      subject: `[#${ticket.number}] New ticket: Card blocked abroad`,
      text: expect.stringContaining('My card does not work in Lisbon.'),
    },
  });
  // One change, two notification types: the same messageId, two webhook ids.
  expect(alert?.payload?.data.messageId).toBe(autoResponse?.payload?.data.messageId);
  expect(alert?.headers['webhook-id']).not.toBe(autoResponse?.headers['webhook-id']);

  // What the receiver's check refuses, on the request it accepted above.
  const { body, headers } = alert as Received;
  const tampered = body.replace('Lisbon', 'Lisboa');
  expect(tampered).not.toBe(body);
  expect(await refusalOf(tampered, headers, SECRET)).toMatchObject({
    code: 'VALIDATION_FAILED',
    path: 'webhook-signature',
    message: expect.stringContaining('has no v1 signature matching this body under this secret'),
  });
  expect(await refusalOf(body, headers, generateWebhookSecret())).toMatchObject({ path: 'webhook-signature' });
  // The id and the timestamp are signed too: neither can be swapped.
  expect(await refusalOf(body, { ...headers, 'webhook-id': 'another-id' }, SECRET)).toMatchObject({
    path: 'webhook-signature',
  });
  const stamp = Number(headers['webhook-timestamp']);
  expect(await refusalOf(body, { ...headers, 'webhook-timestamp': String(stamp + 1) }, SECRET)).toMatchObject({
    path: 'webhook-signature',
  });
  // A captured request replayed ten minutes later is refused; a wider tolerance takes it.
  const later = new Date((stamp + 600) * 1000);
  expect(await refusalOf(body, headers, SECRET, { now: later })).toEqual({
    code: 'VALIDATION_FAILED',
    path: 'webhook-timestamp',
    message: 'Invalid webhook request: webhook-timestamp: is 600 s in the past, beyond the 300 s tolerance',
  });
  expect(await refusalOf(body, headers, SECRET, { now: new Date((stamp - 301) * 1000) })).toMatchObject({
    message: expect.stringContaining('is 301 s in the future'),
  });
  expect(await verifyStandardWebhook(body, headers, SECRET, { now: later, toleranceSeconds: 600 })).toEqual(
    JSON.parse(body),
  );
  // Raw bytes and a fetch Headers object work as well as Node's string and header record.
  expect(
    await verifyStandardWebhook(
      new Uint8Array(Buffer.from(body)),
      new Headers(headers as Record<string, string>),
      SECRET,
    ),
  ).toEqual(JSON.parse(body));
});

test('a receiver answering 500 then 200: the outbox retries with the same webhook-id and body, and logs both attempts', async () => {
  // 500 for the first request of each notification, 200 afterwards.
  const hooks = await startReceiver(
    (request, earlier) =>
      earlier.some((other) => other.headers['webhook-id'] === request.headers['webhook-id'])
        ? 200
        : { status: 500, body: 'database is down' },
    { path: '/hooks/T0KEN-s3cret/ticketkit?key=T0KEN' },
  );
  const { desk, clock, open, deliveriesOf } = await deskPostingTo(hooks.url, {
    webhook: { types: ['ticket.auto_response'] },
    delivery: { retryAfter: '30s', maxRetryDelay: '1m' },
  });

  const ticket = await open();
  await desk.deliveries.idle();
  const [failed] = await deliveriesOf(ticket.id);
  expect(failed?.status).toBe('retrying');
  // The status and the origin, never the path or query, which hold a token here.
  const error = `webhook ${hooks.origin} answered 500 Internal Server Error: database is down`;
  expect(failed?.attempts.map((attempt) => attempt.error)).toEqual([error]);
  // Not yet due: a sweep now sends nothing.
  await desk.scheduler.runOnce();
  expect(hooks.requests).toHaveLength(1);

  clock.advance('1m');
  await desk.scheduler.runOnce();

  const deliveries = await deliveriesOf(ticket.id);
  // The webhook takes only auto-responses: no delivery was written for the new-ticket alert.
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe('delivered');
  expect(delivery?.attempts.map((attempt) => attempt.error)).toEqual([error, null]);
  expect(hooks.requests.map((request) => request.refusal)).toEqual([null, null]);
  expect(hooks.requests.map((request) => request.headers['webhook-id'])).toEqual([delivery?.id, delivery?.id]);
  expect(hooks.requests.map((request) => request.payload?.type)).toEqual([
    'ticket.auto_response',
    'ticket.auto_response',
  ]);
  // The same body both times, event timestamp included: only the attempt's webhook-timestamp may move on.
  expect(hooks.requests[1]?.body).toBe(hooks.requests[0]?.body);
});

/** A notification as the outbox hands it over, for calling `send` directly. */
function notification(): Notification {
  return {
    id: '01956b9e-3a40-7000-8000-2b1d6c3e8a90',
    type: 'ticket.reply_notice',
    recipient: { email: 'ken@example.com', name: 'Ken' },
    ticket: makeTicket(),
    subject: 'Re: your request',
    text: 'We are on it.',
  };
}
const context = (signal = new AbortController().signal) => ({ signal, attempt: 1, messageId: 'message-1' });

test('send: extra headers, redirects as failures, unreachable receivers, and the outbox’s abort signal', async () => {
  const hooks = await startReceiver((request) => {
    if (request.path === '/moved') return { status: 302, location: '/elsewhere' };
    if (request.path === '/slow') return 'hang';
    return 200;
  });
  const notifier = standardWebhookNotifier({
    url: hooks.url,
    secret: SECRET,
    id: 'crm-hook',
    types: ['ticket.reply_notice'],
    headers: { authorization: 'Bearer gateway-token' },
  });
  expect(notifier).toMatchObject({ id: 'crm-hook', types: ['ticket.reply_notice'] });
  const sent = notification();
  await notifier.send(sent, context());
  expect(hooks.requests[0]?.headers.authorization).toBe('Bearer gateway-token');
  expect(hooks.requests[0]?.headers['webhook-id']).toBe(sent.id);
  expect(hooks.requests[0]?.payload).toEqual({
    type: 'ticket.reply_notice',
    timestamp: sent.ticket.updatedAt,
    data: { ...sent, type: undefined, messageId: 'message-1' },
  });
  expect(hooks.requests[0]?.payload).toMatchObject({
    data: { id: sent.id, messageId: 'message-1', subject: 'Re: your request', text: 'We are on it.' },
  });
  expect(standardWebhookNotifier({ url: hooks.url, secret: SECRET })).toMatchObject({ id: 'standard-webhook' });
  expect(standardWebhookNotifier({ url: hooks.url, secret: SECRET }).types).toBeUndefined();

  // A redirect is a failed attempt, not followed.
  await expect(
    standardWebhookNotifier({ url: `${hooks.origin}/moved`, secret: SECRET }).send(notification(), context()),
  ).rejects.toThrow(`webhook ${hooks.origin} answered 302 Found`);
  expect(hooks.requests.map((request) => request.path)).toEqual(['/hooks/ticketkit', '/moved']);

  // The signal reaches fetch: aborting it cuts the request the receiver is holding.
  const controller = new AbortController();
  const sending = standardWebhookNotifier({ url: `${hooks.origin}/slow`, secret: SECRET }).send(
    notification(),
    context(controller.signal),
  );
  await hooks.arrival(3);
  controller.abort(new Error('timed out after 30000 ms'));
  await expect(sending).rejects.toThrow('timed out after 30000 ms');
  expect(await hooks.requests[2]?.closed).toBe(true);

  // A port nothing listens on any more.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  await expect(
    standardWebhookNotifier({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET }).send(notification(), context()),
  ).rejects.toThrow(new RegExp(`^webhook http://127.0.0.1:${port} could not be reached: connect ECONNREFUSED`));
});

test('options are checked when the notifier is made: VALIDATION_FAILED naming each bad option', () => {
  const issuesOf = (options: unknown) => {
    try {
      standardWebhookNotifier(options as StandardWebhookNotifierOptions);
    } catch (error) {
      if (!isTicketkitError(error, 'VALIDATION_FAILED')) throw error;
      expect(error.message).toMatch(/^Invalid standardWebhookNotifier options: /);
      return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    }
    throw new Error('standardWebhookNotifier accepted the options');
  };
  const url = 'https://hooks.example.com/ticketkit';

  expect(issuesOf({ url: 'ftp://hooks.example.com/x', secret: SECRET })).toEqual([
    'url: must be an absolute http or https URL',
  ]);
  expect(issuesOf({ url: 'not a url', secret: SECRET })).toEqual(['url: must be an absolute http or https URL']);
  expect(issuesOf({ url: 'https://user:pw@hooks.example.com/', secret: SECRET })).toEqual([
    'url: must not hold credentials; send them with `headers`',
  ]);
  expect(issuesOf({ secret: SECRET })).toEqual(['url: is required']);
  expect(issuesOf({ url })).toEqual([
    'secret: must be a whsec_ secret, or a non-empty list of them while a secret rotates',
  ]);
  expect(issuesOf({ url, secret: 'my webhook password' })).toEqual([
    'secret: must be whsec_ followed by standard, padded base64 (generateWebhookSecret() makes one)',
  ]);
  expect(issuesOf({ url, secret: [SECRET, 'whsec_c2hvcnQ='] })).toEqual([
    'secret.1: must decode to at least 24 bytes, not 5 (generateWebhookSecret() makes one)',
  ]);
  expect(issuesOf({ url, secret: SECRET, types: [] })).toEqual([
    'types: must list at least one type (leave it out for every type)',
  ]);
  expect(issuesOf({ url, secret: SECRET, types: ['ticket.created'] })[0]).toMatch(/^types\.0: /);
  expect(issuesOf({ url, secret: SECRET, id: ' ' })).toEqual(['id: must not be empty']);
  expect(
    issuesOf({
      url,
      secret: SECRET,
      headers: { 'Webhook-Signature': 'v1,forged', 'bad name': 'x', 'x-note': 'a\r\nx-injected: 1' },
    }),
  ).toEqual([
    'headers.Webhook-Signature: is set by the notifier itself',
    'headers.bad name: is not a valid header name',
    'headers.x-note: must not contain line breaks or NUL',
  ]);
  expect(issuesOf({ url, secret: SECRET, secrets: [SECRET] })).toEqual(['secrets: is not a known field']);
  // A URL object and a secret without its prefix are fine.
  expect(standardWebhookNotifier({ url: new URL(url), secret: SECRET.slice('whsec_'.length) }).id).toBe(
    'standard-webhook',
  );
});

test('verifyStandardWebhook refuses missing, repeated and malformed headers, bad secrets and unsigned non-JSON', async () => {
  const now = new Date('2026-03-02T09:00:00Z');
  const sign = async (payload: string) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(unixSeconds(now)),
    'webhook-signature': await signStandardWebhook(SECRET, { id: 'msg_1', timestamp: now, payload }),
  });
  const headers = await sign('{"ok":true}');

  // Header names in any case, as some frameworks keep them.
  const shouting = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
  expect(await verifyStandardWebhook('{"ok":true}', shouting, SECRET, { now })).toEqual({ ok: true });
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    expect(await refusalOf('{"ok":true}', { ...headers, [name]: undefined }, SECRET, { now })).toEqual({
      code: 'VALIDATION_FAILED',
      path: name,
      message: `Invalid webhook request: ${name}: is missing`,
    });
  }
  expect(
    await refusalOf('{"ok":true}', { ...headers, 'webhook-id': ['msg_1', 'msg_2'] }, SECRET, { now }),
  ).toMatchObject({ path: 'webhook-id', message: expect.stringContaining('is sent more than once') });
  expect(
    await refusalOf('{"ok":true}', { ...headers, 'webhook-timestamp': `${unixSeconds(now)}.5` }, SECRET, { now }),
  ).toMatchObject({ path: 'webhook-timestamp', message: expect.stringContaining('must be whole seconds') });
  const v2Only = { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') };
  expect(await refusalOf('{"ok":true}', v2Only, SECRET, { now })).toMatchObject({
    path: 'webhook-signature',
    message: expect.stringContaining('holds no v1 signature'),
  });
  // A truncated signature is refused (lengths differ), not compared as a prefix.
  const truncated = { ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, 20) };
  expect(await refusalOf('{"ok":true}', truncated, SECRET, { now })).toMatchObject({ path: 'webhook-signature' });

  expect(await refusalOf('not json', await sign('not json'), SECRET, { now })).toMatchObject({
    path: 'payload',
    message: 'Invalid webhook request: payload: is signed but is not UTF-8 JSON',
  });
  expect(await refusalOf('{"ok":true}', headers, 'whsec_', { now })).toMatchObject({
    path: 'secret',
    message: expect.stringMatching(/^Invalid verifyStandardWebhook arguments: secret: /),
  });
  expect(await refusalOf('{"ok":true}', headers, SECRET, { now, toleranceSeconds: -1 })).toMatchObject({
    path: 'options.toleranceSeconds',
  });
});
