import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmailIntake } from '@ticketkit/email';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';
import nodemailer from 'nodemailer';
import { expect, onTestFinished, test } from 'vitest';
import { deskWithTicket, threading } from './helpers/desk.js';

const SECRET = 'inbound-secret-of-at-least-32-characters';

async function serve() {
  const { desk, ticket } = await deskWithTicket();
  const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'], departmentId: 'help' });
  const api = createSupportApi(desk, { inboundEmail: { secret: SECRET, ingest: intake.ingest, maxBytes: 50_000 } });
  const server = createServer(toNodeHandler(api));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { desk, ticket, url };
}

async function mime(subject: string, id: string, extra: object = {}): Promise<Uint8Array<ArrayBuffer>> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: 'Dana <dana@example.com>',
    to: 'support@example.com',
    subject,
    messageId: `<${id}@example.com>`,
    text: 'Posted by the provider.',
    ...extra,
  });
  return new Uint8Array(info.message as Buffer);
}

const basic = (secret: string) => `Basic ${Buffer.from(`provider:${secret}`).toString('base64')}`;

test('raw MIME with the secret as Basic password opens a ticket; the same message again is a duplicate', async () => {
  const { url, desk } = await serve();
  const body = await mime('Webhook ticket', 'hook-1');
  const post = () =>
    fetch(`${url}/inbound/email`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: basic(SECRET) },
      body,
    });
  const first = await post();
  expect(first.status).toBe(200);
  const created = await first.json();
  expect(created).toMatchObject({ result: 'created', reason: 'new', ticketNumber: expect.any(String) });
  const ticket = await desk.tickets.get(created.ticketNumber, { actor: { type: 'system' } });
  expect(ticket).toMatchObject({
    subject: 'Webhook ticket',
    source: 'email',
    requester: { email: 'dana@example.com' },
  });
  expect(await (await post()).json()).toEqual({ result: 'ignored', reason: 'duplicate', ticketNumber: null });
});

test('the form field of SendGrid (email) and Mailgun (body-mime), with the secret header', async () => {
  const { url } = await serve();
  for (const [field, id] of [
    ['email', 'sendgrid-1'],
    ['body-mime', 'mailgun-1'],
  ] as const) {
    const form = new FormData();
    form.set(field, new TextDecoder().decode(await mime(`Via ${field}`, id)));
    const response = await fetch(`${url}/inbound/email`, {
      method: 'POST',
      headers: { 'x-ticketkit-inbound-secret': SECRET },
      body: form,
    });
    expect(await response.json()).toMatchObject({ result: 'created' });
  }
});

test('a wrong or missing secret is 401, an unknown type 415, a message over the limit 413, and nothing is written', async () => {
  const { url, desk } = await serve();
  const body = await mime('Not allowed', 'deny-1');
  const send = (headers: Record<string, string>, payload: BodyInit = body) =>
    fetch(`${url}/inbound/email`, { method: 'POST', headers, body: payload });
  const wrong = await send({ 'content-type': 'message/rfc822', authorization: basic('x'.repeat(40)) });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  expect((await send({ 'content-type': 'message/rfc822' })).status).toBe(401);
  expect((await send({ 'content-type': 'application/json', 'x-ticketkit-inbound-secret': SECRET })).status).toBe(415);
  const huge = await mime('Huge', 'huge-1', { text: 'x'.repeat(60_000) });
  expect((await send({ 'content-type': 'message/rfc822', 'x-ticketkit-inbound-secret': SECRET }, huge)).status).toBe(
    413,
  );
  const all = await desk.queues.list('all', { actor: { type: 'agent', id: 'ana' } });
  expect(all.items.map((ticket) => ticket.subject)).toEqual(['Card blocked']);
});

test('the route is in the OpenAPI document when it is on, and not when it is off', async () => {
  const { url, desk } = await serve();
  const document = await (await fetch(`${url}/openapi.json`)).json();
  const operation = document.paths['/inbound/email'].post;
  expect(operation.operationId).toBe('inboundEmail');
  expect(Object.keys(operation.requestBody.content)).toContain('message/rfc822');
  expect(createSupportApi(desk).openApiDocument().paths).not.toHaveProperty('/inbound/email');
  expect(() =>
    createSupportApi(desk, { inboundEmail: { secret: 'short', ingest: async () => ({ kind: 'x' }) } }),
  ).toThrow(/secret/);
});
