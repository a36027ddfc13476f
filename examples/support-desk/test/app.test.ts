import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type App, startApp } from '../src/app/index.js';

/**
 * The reference app on a random port with a temp data dir: its pages, under a
 * strict CSP; the persona switcher; the API under /support with the demo
 * cookie; the desk's email in the Mailbox, and a reply typed there landing on
 * the ticket through the SMTP receiver.
 */

let dir: string;
let app: App;
const as = (persona: string) => ({ headers: { cookie: `demo-persona=${persona}` } });
const get = (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, { redirect: 'manual', ...init });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'support-desk-app-'));
  app = await startApp({ port: 0, dataDir: dir });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the pages: the bank site with the widget, the console for agents only, the mailbox — all under a CSP without unsafe-inline', async () => {
  const home = await get('/', as('ken'));
  expect(home.status).toBe(200);
  const csp = home.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  const page = await home.text();
  expect(page).toContain('Acme Bank');
  expect(page).toContain('src="/assets/ticketkit-widget.js" data-endpoint="/support"');
  expect(page).toContain('data-customer-email="ken@example.com"');
  expect(page).toContain('your app’s login replaces this');
  expect(page).not.toMatch(/<style|style="|<script>/);

  expect(await (await get('/console', as('isabella'))).text()).toContain(
    '<ticketkit-console endpoint="/support" agent-id="isabella">',
  );
  const notAgent = await (await get('/console', as('karen'))).text();
  expect(notAgent).toContain('Agents only');
  expect(notAgent).not.toContain('<ticketkit-console');
  expect((await get('/mailbox')).status).toBe(200);
  expect((await get('/assets/site.css')).headers.get('content-type')).toBe('text/css');
  expect((await get('/assets/../package.json')).status).toBe(404);
});

test('the persona switcher sets the demo cookie; an unknown persona is refused', async () => {
  const switched = await get('/demo/persona', {
    method: 'POST',
    body: new URLSearchParams({ persona: 'winston', next: '/console' }),
  });
  expect(switched.status).toBe(303);
  expect(switched.headers.get('location')).toBe('/console');
  expect(switched.headers.get('set-cookie')).toMatch(/^demo-persona=winston; Path=\/; HttpOnly/);
  const offsite = await get('/demo/persona', {
    method: 'POST',
    body: new URLSearchParams({ persona: 'ken', next: 'https://evil.test/' }),
  });
  expect(offsite.headers.get('location')).toBe('/');
  expect(
    (await get('/demo/persona', { method: 'POST', body: new URLSearchParams({ persona: 'mallory' }) })).status,
  ).toBe(400);
});

test('/support answers as the persona: the seeded queues for an agent, 401 without a persona', async () => {
  const counts = (await (await get('/support/queues', as('isabella'))).json()) as Record<string, number>;
  expect(counts.open).toBeGreaterThan(5);
  expect(counts.overdue).toBeGreaterThan(0);
  expect(counts.closed).toBeGreaterThan(0);
  expect((await get('/support/queues')).status).toBe(401);
});

test('the desk’s email lands in the Mailbox; a reply typed there comes back by SMTP and lands on the ticket', async () => {
  const ticket = await app.desk.tickets.open(
    { subject: 'Password reset', body: 'I forgot my password.' },
    { actor: { type: 'customer', email: 'ken@example.com', name: 'Ken' } },
  );
  let mail = app.mail.messages().find((message) => message.to.includes('ken@example.com'));
  for (let tries = 0; !mail && tries < 50; tries++) {
    await setTimeout(100);
    mail = app.mail.messages().find((message) => message.to.includes('ken@example.com'));
  }
  expect(mail?.subject).toContain(`[#${ticket.number}]`);
  const mailbox = await (await get('/mailbox')).text();
  expect(mailbox).toContain(`[#${ticket.number}]`);
  expect(mailbox).toContain('ken@example.com');
  // The HTML part, as Ken's mail client shows it: framed in a sandbox, under a policy of its own.
  expect(mailbox).toContain(
    `<iframe class="mail-html" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/mailbox/${mail?.id}/html"`,
  );
  const htmlPart = await get(`/mailbox/${mail?.id}/html`);
  expect(htmlPart.status).toBe(200);
  expect(htmlPart.headers.get('content-security-policy')).toBe(
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
  );
  const htmlBody = await htmlPart.text();
  expect(htmlBody).toContain('<!doctype html>');
  expect(htmlBody, 'its links open in a new tab, not inside the frame').toContain('<head><base target="_blank">');
  expect(htmlBody).toContain(`Ticket #${ticket.number}`);
  expect((await get('/mailbox/999999/html')).status).toBe(404);

  const replied = await get('/mailbox/reply', {
    method: 'POST',
    body: new URLSearchParams({ id: String(mail?.id), text: 'Thanks, the <b>link</b> worked!' }),
  });
  expect(replied.status).toBe(303);
  const flash = await (await get(replied.headers.get('location') ?? '')).text();
  expect(flash).toContain(`added it to ticket #${ticket.number} (replied)`);
  const thread = await app.desk.tickets.thread(ticket.number, { actor: { type: 'system' } });
  expect(thread.at(-1)).toMatchObject({ body: 'Thanks, the <b>link</b> worked!', author: { type: 'customer' } });
});

test('the auto-response links to the widget with the ticket’s token, the one intake issued; the form may offer priority', async () => {
  const schema = (await (await get('/support/intake-schema')).json()) as { priorities: unknown };
  expect(schema.priorities).toEqual(['low', 'normal', 'high', 'urgent']);
  const opened = await get('/support/tickets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      subject: 'Card blocked',
      body: 'My card was blocked abroad.',
      priority: 'high',
      requester: { email: 'nora@example.com', name: 'Nora' },
    }),
  });
  expect(opened.status).toBe(201);
  const { ticket, accessToken } = (await opened.json()) as { ticket: { number: string }; accessToken: string };
  let mail = app.mail.messages().find((message) => message.to.includes('nora@example.com'));
  for (let tries = 0; !mail && tries < 50; tries++) {
    await setTimeout(100);
    mail = app.mail.messages().find((message) => message.to.includes('nora@example.com'));
  }
  expect(mail?.text).toContain(`${app.url}/#tk=${ticket.number}.${accessToken}`);
  // The token in the link opens the ticket through the API, as the widget will.
  const view = await get(`/support/tickets/${ticket.number}`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(view.status).toBe(200);
});

test('`npm start` from a fresh process prints the three URLs and serves them', { timeout: 60_000 }, async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'examples/support-desk/src/start.ts', '--data', join(dir, 'cli')],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', DATABASE_URL: '' },
    },
  );
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    for (let tries = 0; !out.includes('Mailbox') && tries < 400; tries++) await setTimeout(100);
    const origin = /Customer site\s+(http:\/\/localhost:\d+)\//.exec(out)?.[1];
    expect(out).toMatch(/Agent console\s+http:\/\/localhost:\d+\/console/);
    expect(out).toMatch(/Mailbox\s+http:\/\/localhost:\d+\/mailbox/);
    expect((await fetch(`${origin}/console`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
});

test('on PostgreSQL with a database URL: seeded once, kept between runs', { timeout: 60_000 }, async () => {
  const databaseUrl = process.env.TICKETKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `web_${process.pid}_${Date.now()}`;
  const first = await startApp({ port: 0, databaseUrl, schema });
  const count = async (running: App) => (await running.desk.queues.counts({ actor: { type: 'system' } })).all;
  const seeded = await count(first);
  await first.close();
  const second = await startApp({ port: 0, databaseUrl, schema });
  try {
    expect(seeded).toBeGreaterThan(20);
    expect(await count(second)).toBe(seeded);
  } finally {
    await second.close();
    const again = await startApp({ port: 0, databaseUrl, schema, reset: true });
    await again.close();
  }
});
