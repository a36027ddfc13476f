import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresStorage } from '@ticketkit/adapter-postgres';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { type HelpDesk, hmacAccessToken, type StorageAdapter } from '@ticketkit/core';
import { createEmailIntake, createSmtpReceiver, emailNotifier, type IngestResult } from '@ticketkit/email';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';
import { followUrl } from '@ticketkit/widget';
import { createDemoDesk } from '../seed-scenario.js';
import { seedOlderTickets, shiftableClock } from './demo-data.js';
import { type MailCapture, sendReply, startMailCapture } from './mailbox.js';
import { consolePage, customerPage, mailboxPage } from './pages.js';
import { COOKIE, PERSONAS, personaOf } from './personas.js';

/** Every page's Content-Security-Policy: nothing inline, no eval, nothing from elsewhere. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The policy of an email's HTML part: inline styles and data: images only, framed by this site alone. */
const EMAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** Links in an email open in a new tab, as webmail opens them, rather than inside the Mailbox's frame. */
const inNewTab = (html: string) =>
  /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_blank">`)
    : `<base target="_blank">${html}`;

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

/** The files under /assets: the widget's and console's script-tag builds and the site's own CSS and JS. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'ticketkit-widget.js': { file: root('packages/widget/dist/ticketkit-widget.js'), type: 'text/javascript' },
  'ticketkit-console.js': { file: root('packages/console/dist/ticketkit-console.js'), type: 'text/javascript' },
  'site.css': { file: root('examples/support-desk/public/site.css'), type: 'text/css' },
  'site.js': { file: root('examples/support-desk/public/site.js'), type: 'text/javascript' },
};

/** Where `npm start` keeps its SQLite file. */
export const DEFAULT_DATA_DIR = root('examples/support-desk/.data');

/** The demo's threading secret: a real host keeps its own in its secrets store. */
const THREADING = { domain: 'bank.test', secret: 'ticketkit-demo-threading-secret-not-for-production' };
const SUPPORT = 'support@bank.test';
/**
 * The demo's customer-token secret: the API signs intake tokens with it, and
 * the desk derives the same token for the follow link of its emails.
 */
const TOKEN_SECRET = 'ticketkit-demo-token-secret-not-for-production';

/** Options of {@link startApp}. */
export interface AppOptions {
  /** The port; 0 picks a free one. @default 3000 */
  port?: number;
  /** The interface. @default '127.0.0.1' */
  host?: string;
  /** Where the SQLite file lives. */
  dataDir?: string;
  /** Start from an empty desk. */
  reset?: boolean;
  /** Run on PostgreSQL instead. */
  databaseUrl?: string;
  /** The PostgreSQL schema. @default 'support_desk_web' */
  schema?: string;
}

async function openStorage(options: Required<Pick<AppOptions, 'dataDir' | 'reset'>> & AppOptions) {
  if (options.databaseUrl) {
    const schema = options.schema ?? 'support_desk_web';
    const storage = postgresStorage({ connectionString: options.databaseUrl, schema, max: 4 });
    const pool = await storage.pool();
    if (options.reset) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      `"${schema}".tickets`,
    ]);
    return { storage: storage as StorageAdapter, fresh: rows[0]?.found !== true };
  }
  const file = join(options.dataDir, 'support-desk-web.db');
  if (options.reset) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const fresh = !existsSync(file);
  return { storage: sqliteStorage({ filename: file }) as StorageAdapter, fresh };
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64_000) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

/** The running app. */
export interface App {
  /** Its origin, e.g. http://localhost:3000. */
  url: string;
  /** The desk behind it. */
  desk: HelpDesk;
  /** The SMTP capture behind the Mailbox page. */
  mail: MailCapture;
  /** What the intake did with the replies typed in the Mailbox. */
  intakeResults: IngestResult[];
  /** Stops everything. */
  close(): Promise<void>;
}

/**
 * Starts the reference app: the desk on SQLite (or PostgreSQL), its API under
 * `/support`, the Acme Bank site with the widget at `/`, the console at
 * `/console`, and the Mailbox at `/mailbox` — the desk's email goes to a local
 * SMTP capture, and replies typed there come back through the SMTP receiver.
 */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const { storage, fresh } = await openStorage({ dataDir: DEFAULT_DATA_DIR, reset: false, ...options });
  const mail = await startMailCapture();
  const clock = shiftableClock();
  const port = options.port ?? 3000;
  let origin = `http://localhost:${port}`;
  const desk = await createDemoDesk({
    storage,
    clock,
    notifiers: [
      emailNotifier({
        smtp: { host: '127.0.0.1', port: mail.port, secure: false, ignoreTLS: true },
        from: { name: 'Acme Bank Support', address: SUPPORT },
        replyTo: SUPPORT,
        threading: THREADING,
      }),
    ],
    links: {
      // The auto-response's link opens the widget on the ticket, signed in by its token (the same one intake issued).
      accessToken: hmacAccessToken(TOKEN_SECRET),
      customer: (ticket, { accessToken }) =>
        accessToken ? followUrl(`${origin}/`, ticket.number, accessToken) : `${origin}/`,
    },
  });
  if (fresh) {
    await seedOlderTickets(desk, clock, (number) => mail.ignoredTickets.add(number));
  }
  desk.scheduler.start({ interval: '5s' });

  const intakeResults: IngestResult[] = [];
  const receiver = createSmtpReceiver(createEmailIntake(desk, { threading: THREADING, ownAddresses: [SUPPORT] }), {
    port: 0,
    onResult: (result) => intakeResults.push(result),
  });
  const { port: receiverPort } = await receiver.listen();

  const api = toNodeHandler(
    createSupportApi(desk, {
      basePath: '/support',
      // The host's session: here the demo cookie. A real app looks up its own session instead.
      authenticate: (request) => personaOf(request.headers.get('cookie'))?.actor ?? null,
      events: { heartbeatMs: 15_000 },
      customerTokens: { secret: TOKEN_SECRET },
      // The bank lets customers say how urgent their request is.
      intake: { priority: true },
    }),
  );

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer, headers = {}) => {
    response.writeHead(status, {
      'content-type': type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
      ...headers,
    });
    response.end(body);
  };
  const redirect = (response: ServerResponse, to: string, headers = {}) =>
    send(response, 303, 'text/plain', '', { location: to, ...headers });
  const html = 'text/html; charset=utf-8';
  const flashes = new Map<string, string>();

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const persona = personaOf(request.headers.cookie);
    if (url.pathname.startsWith('/support')) return api(request, response);
    if (request.method === 'GET' && url.pathname === '/') return send(response, 200, html, customerPage(persona));
    if (request.method === 'GET' && url.pathname === '/console') return send(response, 200, html, consolePage(persona));
    if (request.method === 'GET' && url.pathname === '/mailbox') {
      const flash = url.searchParams.get('flash');
      return send(
        response,
        200,
        html,
        mailboxPage(persona, mail.messages(), (flash && flashes.get(flash)) ?? undefined),
      );
    }
    const htmlPart = /^\/mailbox\/(\d+)\/html$/.exec(url.pathname);
    if (request.method === 'GET' && htmlPart) {
      const found = mail.messages().find((message) => message.id === Number(htmlPart[1]));
      if (!found?.html) return send(response, 404, 'text/plain', 'Not found');
      // The email's own markup, as its recipient's client shows it: framed by the Mailbox page only, no
      // scripts, no requests out, in a sandbox (the page frames it with `sandbox` too).
      return send(response, 200, html, inNewTab(found.html), { 'content-security-policy': EMAIL_CSP });
    }
    if (request.method === 'GET' && url.pathname.startsWith('/assets/')) {
      const asset = ASSETS[url.pathname.slice('/assets/'.length)];
      if (!asset) return send(response, 404, 'text/plain', 'Not found');
      if (!existsSync(asset.file))
        return send(response, 500, 'text/plain', `Missing ${asset.file}: run npm start (it builds it).`);
      return send(response, 200, asset.type, readFileSync(asset.file));
    }
    if (request.method === 'POST' && url.pathname === '/demo/persona') {
      const form = await readBody(request);
      const chosen = PERSONAS.find((candidate) => candidate.id === form.get('persona'));
      const next = ['/', '/console', '/mailbox'].includes(form.get('next') ?? '') ? (form.get('next') as string) : '/';
      if (!chosen) return send(response, 400, 'text/plain', 'persona: pick one of the demo people');
      return redirect(response, next, { 'set-cookie': `${COOKIE}=${chosen.id}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (request.method === 'POST' && url.pathname === '/mailbox/reply') {
      const form = await readBody(request);
      const original = mail.messages().find((message) => String(message.id) === form.get('id'));
      const text = (form.get('text') ?? '').trim();
      if (!original || !text) return send(response, 400, 'text/plain', 'id and text: pick a message and type a reply');
      const before = intakeResults.length;
      await sendReply(original, text, receiverPort);
      const result = intakeResults[before];
      const key = String(flashes.size + 1);
      flashes.set(
        key,
        result && 'ticket' in result && result.ticket
          ? `Your reply went to ${original.replyTo} and the desk added it to ticket #${result.ticket.number} (${result.kind}).`
          : `Your reply went to ${original.replyTo}; the desk did not add it to a ticket (${result?.kind ?? 'no answer'}).`,
      );
      return redirect(response, `/mailbox?flash=${key}`);
    }
    return send(response, 404, html, '<!doctype html><title>Not found</title><p>Not found.</p>');
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain', `Something went wrong: ${String(error)}`);
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, options.host ?? '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    desk,
    mail,
    intakeResults,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await receiver.close();
      await mail.close();
      await desk.close();
    },
  };
}
