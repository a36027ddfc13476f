import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { createHelpDesk, type HelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi, type SupportApiOptions, toNodeHandler } from '@ticketkit/server';
import { afterEach, expect, test } from 'vitest';

/**
 * Slow and greedy clients over a real socket: a body dribbled a byte at a
 * time gets 408 at the body deadline and its connection closed (it was held
 * until Node's 300-second request timeout), and requests with access tokens
 * are rate limited per IP and per ticket.
 */

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function listen(options: SupportApiOptions) {
  const desk: HelpDesk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  const api = createSupportApi(desk, options);
  server = createServer(toNodeHandler(api));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const opened = await fetch(`${url}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      requester: { email: 'ken@example.com' },
      subject: 'Hi',
      body: 'Help',
      departmentId: 'help',
    }),
  });
  const { ticket, accessToken } = (await opened.json()) as { ticket: { number: string }; accessToken: string };
  return { port, url, path: `/tickets/${ticket.number}`, accessToken };
}

/** A raw connection that sends the head of a request and then its body one byte every `everyMs`. */
function dribble(port: number, head: string, body: string, everyMs: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  let sent = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {});
  socket.write(head);
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= body.length) return clearInterval(timer);
    socket.write(body.charAt(sent));
    sent += 1;
  }, everyMs);
  const closed = new Promise<number>((resolve) => {
    const started = Date.now();
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    });
  });
  return { closed, received: () => received, sent: () => sent };
}

test('a body dribbled at a byte per 100 ms is answered 408 at the deadline and its connection closed', async () => {
  const { port, path, accessToken } = await listen({ bodyTimeout: '400ms' });
  const body = JSON.stringify({ body: 'I am sending this very slowly indeed, one byte at a time.' });
  const head = (framing: string) =>
    `POST ${path}/replies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${accessToken}\r\n` +
    `Content-Type: application/json\r\n${framing}\r\n`;
  const clients = [
    dribble(port, head(`Content-Length: ${body.length}\r\n`), body, 100),
    dribble(port, head(`Content-Length: ${body.length}\r\n`), body, 100),
    // Chunked: a one-byte chunk at a time.
    dribble(port, head('Transfer-Encoding: chunked\r\n'), [...body].map((char) => `1\r\n${char}\r\n`).join(''), 20),
  ];
  const times = await Promise.all(clients.map((client) => client.closed));
  for (const [index, client] of clients.entries()) {
    expect(client.received(), `client ${index}`).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received()).toContain('"code":"REQUEST_TIMEOUT"');
    expect(client.received().toLowerCase()).toContain('connection: close');
    // Closed by the server soon after the deadline, long before the body was sent (5+ s at this pace).
    expect(times[index]).toBeLessThan(3_000);
    expect(client.sent()).toBeLessThan(body.length);
  }
});

test('a body that arrives in time is not cut off', async () => {
  const { url, path, accessToken } = await listen({ bodyTimeout: '2s' });
  const reply = await fetch(`${url}${path}/replies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'On time' }),
  });
  expect(reply.status).toBe(200);
});

test('access-token requests are rate limited per ticket and per IP (guesses included), with Retry-After', async () => {
  const { url, path, accessToken } = await listen({
    rateLimits: { tokenPerTicket: { limit: 3, window: '1m' }, tokenPerIp: { limit: 6, window: '1m' } },
  });
  const get = (token: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const statuses: number[] = [];
  for (let index = 0; index < 4; index++) statuses.push((await get(accessToken)).status);
  expect(statuses).toEqual([200, 200, 200, 429]);
  const limited = await get(accessToken);
  expect(limited.headers.get('retry-after')).toBe('60');
  // Five of this IP's six are spent; a guessed token is counted before it is checked.
  expect((await get('A'.repeat(43))).status).toBe(401);
  expect((await get('B'.repeat(43))).status).toBe(429);
  // Intake and anonymous routes do not count against the token limits.
  expect((await fetch(`${url}/intake-schema`)).status).toBe(200);
});
