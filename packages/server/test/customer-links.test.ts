import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHelpDesk, hmacAccessToken, memoryStorage, type Notification } from '@ticketkit/core';
import {
  createSupportApi,
  generateWebhookSecret,
  type StandardWebhookPayload,
  standardWebhookNotifier,
  verifyStandardWebhook,
} from '@ticketkit/server';
import { expect, onTestFinished, test } from 'vitest';

/**
 * The customer's link carries their access token without the token being
 * stored anywhere, and a webhook hears of each event once, not once per
 * recipient — against a real receiver on 127.0.0.1.
 */

const TOKEN_SECRET = 'a-test-secret-of-at-least-32-characters';
const WEBHOOK_SECRET = generateWebhookSecret();

/** A Standard Webhooks receiver on 127.0.0.1 that verifies and keeps every request. */
async function startReceiver() {
  const received: { id: string; body: string; payload: StandardWebhookPayload }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const payload = await verifyStandardWebhook<StandardWebhookPayload>(body, req.headers, WEBHOOK_SECRET);
    received.push({ id: String(req.headers['webhook-id']), body, payload });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

async function setup(webhookUrl: string) {
  const storage = memoryStorage();
  const mail: Notification[] = [];
  const desk = await createHelpDesk({
    storage,
    logger: { warn() {}, error() {} },
    notifiers: [
      { id: 'mail', send: async (notification) => void mail.push(notification) },
      standardWebhookNotifier({ url: webhookUrl, secret: WEBHOOK_SECRET }),
    ],
    links: {
      customer: (ticket, { accessToken }) => `https://desk.test/requests/${ticket.number}#token=${accessToken}`,
      agent: (ticket) => `https://desk.test/console/${ticket.id}`,
      accessToken: hmacAccessToken(TOKEN_SECRET),
    },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, { customerTokens: { secret: TOKEN_SECRET } });
  const call = (method: string, path: string, init: { body?: unknown; token?: string } = {}) =>
    api.fetch(
      new Request(`http://desk.test${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
    );
  return { desk, storage, mail, call };
}

/** Everything memory storage holds, Maps included, as one string: the backdoor view. */
const everythingStored = (storage: ReturnType<typeof memoryStorage>) =>
  JSON.stringify(storage.state, (_key, value) => (value instanceof Map ? [...value.entries()] : value));

test("the auto-response's link opens the ticket, and the plaintext token is neither stored nor sent to webhooks", async () => {
  const hooks = await startReceiver();
  const { desk, storage, mail, call } = await setup(hooks.url);

  const created = await call('POST', '/tickets', {
    body: {
      requester: { email: 'ken@example.com', name: 'Ken' },
      subject: 'Card blocked',
      body: 'My card is refused.',
      departmentId: 'help',
    },
  });
  expect(created.status).toBe(201);
  const { ticket, accessToken } = (await created.json()) as { ticket: { number: string }; accessToken: string };
  await desk.deliveries.idle();

  // The customer's mail carries the link with the token, derived when it was sent.
  const autoResponse = mail.find((notification) => notification.type === 'ticket.auto_response');
  const link = autoResponse?.text.match(/https:\/\/desk\.test\/requests\/(\d+)#token=([A-Za-z0-9_-]+)/);
  expect(link?.[1]).toBe(ticket.number);
  expect(link?.[2]).toBe(accessToken);
  const opened = await call('GET', `/tickets/${ticket.number}`, { token: link?.[2] ?? '' });
  expect(opened.status).toBe(200);
  expect(((await opened.json()) as { number: string }).number).toBe(ticket.number);
  // Agents' alerts carry the agent link, never a token.
  for (const alert of mail.filter((notification) => notification.type === 'ticket.new_alert')) {
    expect(alert.text).toContain('https://desk.test/console/');
    expect(alert.text).not.toContain(accessToken);
  }

  // Nowhere in storage: not in delivery rows, not in the delivery log.
  expect(everythingStored(storage)).not.toContain(accessToken);
  const logged = await desk.deliveries.list({ ticketId: (autoResponse?.ticket.id ?? '') as string, limit: 100 });
  const loggedAutoResponse = logged.items.find(
    (delivery) => delivery.notifierId === 'mail' && delivery.notification.type === 'ticket.auto_response',
  );
  expect(loggedAutoResponse?.notification.text).toContain('#token=ticketkit-access-token-not-stored');

  // The webhook: one message per event and type, whoever it was for — not one per agent and customer.
  expect(hooks.received.map((request) => request.payload.type).sort()).toEqual([
    'ticket.auto_response',
    'ticket.new_alert',
  ]);
  expect(new Set(hooks.received.map((request) => request.id)).size).toBe(2);
  for (const request of hooks.received) {
    expect(request.payload.data.recipient).toBeNull();
    expect(request.body).not.toContain(accessToken);
    expect(request.body).not.toContain('ticketkit-access-token-not-stored');
  }
  // Three people were told by mail (Ken, Ann, Bob); the webhook heard once per event.
  expect(mail.map((notification) => notification.recipient?.email).sort()).toEqual([
    'ann@bank.test',
    'bob@bank.test',
    'ken@example.com',
  ]);
});

test('a webhook that asks for it still gets one message per recipient', async () => {
  const hooks = await startReceiver();
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    notifiers: [standardWebhookNotifier({ url: hooks.url, secret: WEBHOOK_SECRET, perRecipient: true })],
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await desk.tickets.open(
    { subject: 'Card blocked', body: 'Refused.', departmentId: 'help' },
    { actor: { type: 'customer', email: 'ken@example.com' } },
  );
  await desk.deliveries.idle();
  expect(hooks.received.map((request) => request.payload.data.recipient?.email).sort()).toEqual([
    'ann@bank.test',
    'bob@bank.test',
    'ken@example.com',
  ]);
});
