import { createHmac } from 'node:crypto';
import {
  createHelpDesk,
  type DeliveryOptions,
  manualClock,
  memoryStorage,
  type Notification,
  type TicketkitEvents,
} from '@ticketkit/core';
import { makeTicket } from '@ticketkit/core/testing';
import { expect, onTestFinished, test, vi } from 'vitest';
import { verifyWebhook, WEBHOOK_HEADERS, type WebhookNotifierOptions, webhookNotifier } from '../src/index.js';
import { type Answer, type ReceivedRequest, startReceiver } from './support/receiver.js';

const SECRET = 'whsec-test-4f1c9e';
const ken = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
// Background sends are awaited by polling, never by sleeping: at most this long.
const WAIT = { timeout: 5_000, interval: 10 };

async function receiver(answer: (request: ReceivedRequest, earlier: readonly ReceivedRequest[]) => Answer) {
  const started = await startReceiver(answer);
  onTestFinished(() => started.close());
  return started;
}

/** A real desk whose only notifier posts to `url`: one department, one agent in it. */
async function deskPostingTo(
  url: string,
  options: { webhook?: Partial<WebhookNotifierOptions>; delivery?: DeliveryOptions } = {},
) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    clock,
    notifiers: [webhookNotifier({ url, secret: SECRET, ...options.webhook })],
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@desk.test', departmentIds: ['help'] });
  const failures: TicketkitEvents['notification.failed'][] = [];
  desk.on('notification.failed', (event) => {
    failures.push(event);
  });
  const open = () =>
    desk.tickets.open(
      { subject: 'Card blocked abroad', body: 'My card does not work in Lisbon.', departmentId: 'help' },
      { actor: ken },
    );
  const deliveriesOf = async (ticketId: string) => (await desk.deliveries.list({ ticketId })).items;
  return { desk, clock, failures, open, deliveriesOf };
}

const header = (request: ReceivedRequest | undefined, name: string) => request?.headers[name];

test('a new ticket posts the auto-response and the new-ticket alert as signed JSON', async () => {
  const hooks = await receiver(() => 204);
  const { open, deliveriesOf } = await deskPostingTo(hooks.url);

  const ticket = await open();
  await vi.waitFor(() => expect(hooks.requests).toHaveLength(2), WAIT);

  const byType = new Map(hooks.requests.map((request) => [header(request, WEBHOOK_HEADERS.type), request]));
  const autoResponse = byType.get('ticket.auto_response');
  const alert = byType.get('ticket.new_alert');
  expect(autoResponse?.method).toBe('POST');
  expect(autoResponse?.path).toBe('/hooks/ticketkit');
  expect(header(autoResponse, 'content-type')).toBe('application/json');
  expect(header(autoResponse, WEBHOOK_HEADERS.attempt)).toBe('1');
  expect(JSON.parse(autoResponse?.body ?? 'null')).toMatchObject({
    id: header(autoResponse, WEBHOOK_HEADERS.idempotencyKey),
    type: 'ticket.auto_response',
    recipient: { email: 'ken@example.com', name: 'Ken' },
    ticket: { id: ticket.id, number: ticket.number, subject: 'Card blocked abroad', status: 'open' },
    subject: `[#${ticket.number}] Card blocked abroad`,
    text: expect.stringContaining('Dear Ken,'),
  } satisfies Partial<Record<keyof Notification, unknown>>);
  expect(JSON.parse(alert?.body ?? 'null')).toMatchObject({
    id: header(alert, WEBHOOK_HEADERS.idempotencyKey),
    type: 'ticket.new_alert',
    recipient: { email: 'ann@desk.test', name: 'Ann' },
    subject: `[#${ticket.number}] New ticket: Card blocked abroad`,
    text: expect.stringContaining('My card does not work in Lisbon.'),
  });

  for (const request of [autoResponse, alert]) {
    const signature = header(request, WEBHOOK_HEADERS.signature);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook({ body: request?.body ?? '', signature, secret: SECRET })).toBe(true);
  }
  const { body } = alert as ReceivedRequest;
  const signature = header(alert, WEBHOOK_HEADERS.signature);
  const tampered = body.replace('Lisbon', 'Lisboa');
  expect(tampered).not.toBe(body);
  expect(verifyWebhook({ body: tampered, signature, secret: SECRET })).toBe(false);
  expect(verifyWebhook({ body, signature, secret: 'another-secret' })).toBe(false);
  expect(verifyWebhook({ body, signature: undefined, secret: SECRET })).toBe(false);
  expect(verifyWebhook({ body: new TextEncoder().encode(body), signature, secret: SECRET })).toBe(true);
  // A captured request replayed ten minutes later is refused.
  const later = new Date(Date.now() + 10 * 60_000);
  expect(verifyWebhook({ body, signature, secret: SECRET, now: later })).toBe(false);

  await vi.waitFor(async () => {
    const deliveries = await deliveriesOf(ticket.id);
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered']);
    // The delivery's id is the notification's id, the idempotency key the receiver saw.
    expect(new Set(deliveries.map((delivery) => delivery.id))).toEqual(
      new Set(hooks.requests.map((request) => header(request, WEBHOOK_HEADERS.idempotencyKey))),
    );
  }, WAIT);
});

test('a receiver that fails twice gets the same notification three times; the third attempt delivers it', async () => {
  // 500 for the first two requests of each notification, then 200.
  const hooks = await receiver((request, earlier) => {
    const key = header(request, WEBHOOK_HEADERS.idempotencyKey);
    const seen = earlier.filter((other) => header(other, WEBHOOK_HEADERS.idempotencyKey) === key).length;
    return seen < 2 ? { status: 500, body: 'database is down' } : 200;
  });
  const { desk, clock, failures, open, deliveriesOf } = await deskPostingTo(hooks.url, {
    webhook: { types: ['ticket.auto_response'] },
    delivery: { retryAfter: '30s', maxRetryDelay: '1m' },
  });
  const error = `webhook ${new URL(hooks.url).origin} answered 500 Internal Server Error: database is down`;

  const ticket = await open();
  await vi.waitFor(async () => expect((await deliveriesOf(ticket.id))[0]?.attempts).toHaveLength(1), WAIT);
  // The retry waits for its backoff: a sweep before it is due sends nothing.
  await desk.scheduler.runOnce();
  expect(hooks.requests).toHaveLength(1);

  clock.advance('1m');
  await desk.scheduler.runOnce();
  clock.advance('1m');
  await desk.scheduler.runOnce();

  const deliveries = await deliveriesOf(ticket.id);
  // The webhook takes only auto-responses: the new-ticket alert was never written for it.
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe('delivered');
  expect(delivery?.attempts.map((attempt) => attempt.error)).toEqual([error, error, null]);
  expect(hooks.requests.map((request) => header(request, WEBHOOK_HEADERS.type))).toEqual([
    'ticket.auto_response',
    'ticket.auto_response',
    'ticket.auto_response',
  ]);
  expect(hooks.requests.map((request) => header(request, WEBHOOK_HEADERS.idempotencyKey))).toEqual([
    delivery?.id,
    delivery?.id,
    delivery?.id,
  ]);
  expect(hooks.requests.map((request) => header(request, WEBHOOK_HEADERS.attempt))).toEqual(['1', '2', '3']);
  // The same notification each time: receivers deduplicate on its id.
  expect(new Set(hooks.requests.map((request) => JSON.parse(request.body).id))).toEqual(new Set([delivery?.id]));
  expect(failures.map(({ attempts, deadLettered }) => ({ attempts, deadLettered }))).toEqual([
    { attempts: 1, deadLettered: false },
    { attempts: 2, deadLettered: false },
  ]);
});

test('a receiver that never answers times the attempt out without holding up the command, then dead-letters it', async () => {
  let answer: Answer = 'hang';
  const hooks = await receiver(() => answer);
  const { desk, clock, failures, open, deliveriesOf } = await deskPostingTo(hooks.url, {
    webhook: { types: ['ticket.auto_response'] },
    // '1s' is the shortest timeout the duration parser takes.
    delivery: { timeout: '1s', maxAttempts: 2, retryAfter: '30s', maxRetryDelay: '1m' },
  });

  const ticket = await open();
  // The command has returned before its notification even reached the receiver, which then holds the request.
  expect(hooks.requests).toHaveLength(0);
  await vi.waitFor(() => expect(hooks.requests).toHaveLength(1), WAIT);
  expect(hooks.requests[0]).toMatchObject({ answered: false, abandoned: false });
  expect((await deliveriesOf(ticket.id))[0]?.attempts).toEqual([]);

  await vi.waitFor(async () => expect((await deliveriesOf(ticket.id))[0]?.status).toBe('retrying'), WAIT);
  const [first] = (await deliveriesOf(ticket.id))[0]?.attempts ?? [];
  expect(first?.error).toBe('timed out after 1000 ms');
  expect(first?.durationMs).toBeGreaterThanOrEqual(990);
  // The timeout aborted the request itself (the signal reached fetch), not only the wait for it.
  await vi.waitFor(() => expect(hooks.requests[0]?.abandoned).toBe(true), WAIT);

  clock.advance('1m');
  await desk.scheduler.runOnce();
  const [dead] = (await desk.deliveries.list({ ticketId: ticket.id, status: 'dead' })).items;
  expect(dead?.attempts.map((attempt) => attempt.error)).toEqual([
    'timed out after 1000 ms',
    'timed out after 1000 ms',
  ]);
  expect(failures).toEqual([
    expect.objectContaining({
      notificationId: dead?.id,
      ticketId: ticket.id,
      type: 'ticket.auto_response',
      attempts: 1,
      deadLettered: false,
    }),
    expect.objectContaining({
      notificationId: dead?.id,
      error: 'timed out after 1000 ms',
      attempts: 2,
      deadLettered: true,
    }),
  ]);
  // The dead letter waits for a person: later sweeps leave it alone.
  clock.advance('1h');
  await desk.scheduler.runOnce();
  expect(hooks.requests).toHaveLength(2);

  answer = 200;
  const requeued = await desk.deliveries.retry(dead?.id ?? '');
  expect(requeued.status).toBe('pending');
  await vi.waitFor(async () => expect((await desk.deliveries.get(requeued.id))?.status).toBe('delivered'), WAIT);
  expect(hooks.requests).toHaveLength(3);
  expect(header(hooks.requests[2], WEBHOOK_HEADERS.idempotencyKey)).toBe(dead?.id);
  expect(header(hooks.requests[2], WEBHOOK_HEADERS.attempt)).toBe('3');
  expect((await desk.deliveries.get(requeued.id))?.attempts.at(-1)?.error).toBeNull();
});

/** A notification as the outbox hands it over, for calling `send` directly. */
function notification(): Notification {
  return {
    id: 'd6f1a3c2-6a0e-4c8e-9f57-2b1d6c3e8a90',
    type: 'ticket.reply_notice',
    recipient: { email: 'ken@example.com', name: 'Ken' },
    ticket: makeTicket(),
    subject: 'Re: your request',
    text: 'We are on it.',
  };
}
const context = () => ({ signal: new AbortController().signal, attempt: 1, messageId: 'message-1' });

test('a failed attempt says why, naming the origin but never the path that may hold a token', async () => {
  const hooks = await receiver((request) =>
    request.path.startsWith('/moved') ? { status: 302, location: '/elsewhere' } : { status: 404, body: 'no such hook' },
  );
  const origin = new URL(hooks.url).origin;
  const notFound = webhookNotifier({ url: `${origin}/T0KEN-abc123/hook` });
  const sent = notFound.send(notification(), context());
  await expect(sent).rejects.toThrow(`webhook ${origin} answered 404 Not Found: no such hook`);
  await expect(sent).rejects.not.toThrow(/T0KEN/);
  // A redirect is not followed: it would turn the POST into a GET without the body.
  await expect(webhookNotifier({ url: `${origin}/moved` }).send(notification(), context())).rejects.toThrow(
    `webhook ${origin} answered 302 Found`,
  );
  expect(hooks.requests.map((request) => request.path)).toEqual(['/T0KEN-abc123/hook', '/moved']);

  // A port nothing listens on any more (and fetch holds no open connection to).
  const gone = await startReceiver(() => 200);
  await gone.close();
  await expect(webhookNotifier({ url: gone.url }).send(notification(), context())).rejects.toThrow(
    new RegExp(`^webhook ${new URL(gone.url).origin} could not be reached: connect ECONNREFUSED`),
  );
});

test('without a secret requests are unsigned; extra headers are sent but never replace the webhook’s own', async () => {
  const hooks = await receiver(() => 200);
  const notifier = webhookNotifier({
    url: hooks.url,
    headers: { authorization: 'Bearer hook-token', 'idempotency-key': 'forged' },
  });
  expect(notifier.id).toBe('webhook');
  expect(notifier.types).toBeUndefined();
  await notifier.send(notification(), { ...context(), attempt: 4 });
  const [request] = hooks.requests;
  expect(request?.headers.authorization).toBe('Bearer hook-token');
  expect(header(request, WEBHOOK_HEADERS.idempotencyKey)).toBe(notification().id);
  expect(header(request, WEBHOOK_HEADERS.attempt)).toBe('4');
  expect(header(request, WEBHOOK_HEADERS.signature)).toBeUndefined();
  expect(JSON.parse(request?.body ?? 'null')).toMatchObject({ id: notification().id, subject: 'Re: your request' });

  expect(webhookNotifier({ url: hooks.url, id: 'crm-hook', types: ['ticket.new_alert'] })).toMatchObject({
    id: 'crm-hook',
    types: ['ticket.new_alert'],
  });
  expect(() => webhookNotifier({ url: 'ftp://127.0.0.1/hook' })).toThrow('url must be http or https');
  expect(() => webhookNotifier({ url: hooks.url, secret: '' })).toThrow('secret must not be empty');
});

test('verifyWebhook accepts any of several signatures, so a secret can rotate', () => {
  const body = '{"id":"n1"}';
  const now = new Date('2026-03-02T09:00:00Z');
  const t = Math.floor(now.getTime() / 1000);
  const sign = (secret: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  const both = `t=${t},v1=${sign('old-secret')},v1=${sign('new-secret')}`;
  expect(verifyWebhook({ body, signature: both, secret: 'new-secret', now })).toBe(true);
  expect(verifyWebhook({ body, signature: both, secret: 'old-secret', now })).toBe(true);
  expect(verifyWebhook({ body, signature: both, secret: 'third-secret', now })).toBe(false);
  expect(verifyWebhook({ body, signature: `t=${t},v1=abc`, secret: 'new-secret', now })).toBe(false);
  expect(verifyWebhook({ body, signature: `v1=${sign('new-secret')}`, secret: 'new-secret', now })).toBe(false);
});
