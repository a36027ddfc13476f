import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, type HelpDesk } from '@ticketkit/core';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';
import * as z from 'zod';

const SCRIPT = new URL('../../dist/ticketkit-widget.js', import.meta.url);

/** Faults the test host injects into `POST /tickets` and replies. */
export interface Faults {
  /** Answer this many requests with 503 after the API has handled (and committed) them. */
  failAfterCommit: number;
  /** Answer this many requests with 503 before the API sees them. */
  failBefore: number;
  /** The Idempotency-Key of every reply request that reached the host, in order (`''` for none). */
  replyKeys: string[];
}

/** Pages the host serves: `/` (the one-tag install), `/csp`, `/hostile`, and `/page?attrs=` for a custom tag. */
function page(body: string, head = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Acme</title>${head}</head><body>${body}</body></html>`;
}

const HOSTILE_CSS = `<link rel="stylesheet" href="/hostile.css">`;
const HOSTILE = `*{all:unset!important;font-size:9px!important;color:red!important;background:yellow!important;position:static!important;display:block!important;visibility:visible!important;box-sizing:content-box!important}
button,input,textarea,select{display:none!important;opacity:0!important}
ticketkit-widget{display:none!important;z-index:-1!important;font-family:"Comic Sans MS"!important}
dialog,[role=dialog]{display:none!important}head,script,style,link,title,meta{display:none!important}`;

// A host site behind the widget in screenshots: a plain product page.
const DEMO = `<header><b>Acme Cloud</b><nav><a href="#">Product</a><a href="#">Pricing</a><a href="#">Docs</a></nav></header>
<main><h1>Backups that just work</h1><p>Acme Cloud keeps every version of your files for 90 days, encrypted, in two regions.</p>
<p>Questions about your plan, an invoice or a restore? Our support team answers within a working day.</p></main>`;
const DEMO_CSS = `body{margin:0;font:16px/1.6 Georgia,serif;color:#222;background:#fafaf7}
header{display:flex;justify-content:space-between;align-items:center;padding:16px 32px;border-bottom:1px solid #e5e5e0;font-family:system-ui,sans-serif}
header nav a{margin-left:24px;color:#444;text-decoration:none}main{max-width:640px;padding:48px 32px}h1{font-size:40px;line-height:1.15;margin:0 0 16px}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#d0d7de}header{border-color:#30363d}header nav a{color:#9ea7b3}}
@media (max-width:480px){header nav{display:none}h1{font-size:30px}main{padding:32px 20px}}`;

/**
 * The real server on 127.0.0.1 with SQLite storage, serving the widget's
 * script-tag build and test pages, plus a second origin serving a page under
 * a strict CSP that calls the API cross-origin (the `cors` option).
 */
export async function startHost() {
  const dir = await mkdtemp(join(tmpdir(), 'ticketkit-widget-'));
  const desk: HelpDesk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    fields: z.object({
      orderId: z.string().max(20).optional().describe('Order number'),
      plan: z.enum(['Free', 'Pro', 'Enterprise']).describe('Your plan'),
    }),
    intake: { defaultDepartmentId: 'help' },
    // Numbers are strings: a prefix and a leading zero catch a widget that treats them as numbers.
    ticketNumber: { format: 'AC-0####' },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 (internal)' });
  await desk.agents.upsert({
    id: 'ann',
    name: 'Ann from Acme',
    email: 'ann@acme.test',
    departmentIds: ['help', 'billing'],
  });
  const faults: Faults = { failAfterCommit: 0, failBefore: 0, replyKeys: [] };
  // Both servers listen first: the API's `cors` option names the strict-CSP page's origin.
  let handle: ReturnType<typeof toNodeHandler> = async () => {};
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const script = () => readFileSync(SCRIPT);
  const send = (res: import('node:http').ServerResponse, type: string, body: string | Buffer, headers = {}) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };

  const main: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname.startsWith('/support/')) {
      const intake = req.method === 'POST' && /^\/support\/tickets(\/[^/]+\/replies)?$/.test(url.pathname);
      if (intake && url.pathname.endsWith('/replies'))
        faults.replyKeys.push(String(req.headers['idempotency-key'] ?? ''));
      if (intake && faults.failBefore > 0) {
        faults.failBefore -= 1;
        res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end('{"status":503,"code":"STORAGE_FAILED"}');
        return;
      }
      if (intake && faults.failAfterCommit > 0) {
        faults.failAfterCommit -= 1;
        // The API commits; the answer is lost on the way back (a proxy timing out, a dropped connection).
        const end = res.end.bind(res);
        const writeHead = res.writeHead.bind(res);
        res.writeHead = (() => res) as never;
        res.write = (() => true) as never;
        res.end = (() => {
          writeHead(503, { 'content-type': 'application/problem+json' });
          end('{"status":503,"code":"STORAGE_FAILED"}');
          return res;
        }) as never;
      }
      return handle(req, res);
    }
    if (url.pathname === '/ticketkit-widget.js') return send(res, 'text/javascript', script());
    if (url.pathname === '/hostile.css') return send(res, 'text/css', HOSTILE);
    if (url.pathname === '/') {
      return send(
        res,
        'text/html',
        page(`<h1>Acme</h1><script type="module" src="/ticketkit-widget.js" data-endpoint="/support"></script>`),
      );
    }
    if (url.pathname === '/demo') {
      const attrs = (url.searchParams.get('attrs') ?? '').replace(/[<>]/g, '');
      return send(
        res,
        'text/html',
        page(
          `${DEMO}<ticketkit-widget endpoint="/support" ${attrs}></ticketkit-widget><script type="module" src="/ticketkit-widget.js"></script>`,
          '<link rel="stylesheet" href="/demo.css">',
        ),
      );
    }
    if (url.pathname === '/demo.css') return send(res, 'text/css', DEMO_CSS);
    if (url.pathname === '/hostile') {
      return send(
        res,
        'text/html',
        page(
          `<h1>Acme</h1><p id="para">Page text</p><script type="module" src="/ticketkit-widget.js" data-endpoint="/support"></script>`,
          HOSTILE_CSS,
        ),
      );
    }
    if (url.pathname === '/nonce') {
      // Styles only with this nonce: the widget's <style nonce> fallback must carry it.
      const body = `<ticketkit-widget endpoint="/support" nonce="t3st-n0nce"></ticketkit-widget><script type="module" src="/ticketkit-widget.js"></script>`;
      return send(res, 'text/html', page(body), {
        'content-security-policy': "default-src 'self'; style-src 'nonce-t3st-n0nce'",
      });
    }
    if (url.pathname === '/page') {
      const attrs = url.searchParams.get('attrs') ?? '';
      const safe = attrs.replace(/[<>]/g, '');
      return send(
        res,
        'text/html',
        page(
          `<h1>Acme</h1><ticketkit-widget endpoint="/support" ${safe}></ticketkit-widget><script type="module" src="/ticketkit-widget.js"></script>`,
        ),
      );
    }
    res.writeHead(404).end();
  });
  const origin = await listen(main);

  // The strict-CSP page lives on another origin and calls the API above cross-origin.
  const csp: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const policy = `default-src 'self'; connect-src ${origin}`;
    if (url.pathname === '/ticketkit-widget.js') return send(res, 'text/javascript', script());
    if (url.pathname === '/') {
      return send(
        res,
        'text/html',
        page(
          `<h1>Strict</h1><script type="module" src="/ticketkit-widget.js" data-endpoint="${origin}/support"></script>`,
        ),
        { 'content-security-policy': policy },
      );
    }
    res.writeHead(404).end();
  });
  const secondOrigin = await listen(csp);
  const api = createSupportApi(desk, {
    basePath: '/support',
    intake: {
      topics: [
        { id: 'account', label: 'Account & login' },
        { id: 'bug', label: 'Something is broken' },
      ],
      departments: ['help', 'billing'],
      priority: true,
    },
    rateLimits: { intakePerIp: { limit: 1000, window: '1m' }, intakePerEmail: { limit: 1000, window: '1m' } },
    // The host app's session: a `session=<email>` cookie stands in for a real one.
    authenticate: (request) => {
      const email = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return email ? { type: 'customer', email: decodeURIComponent(email) } : null;
    },
    cors: { origins: [secondOrigin] },
  });
  handle = toNodeHandler(api);

  return {
    desk,
    faults,
    origin,
    cspOrigin: secondOrigin,
    /** How many tickets the desk holds. */
    async count() {
      return (await desk.queues.counts({ actor: { type: 'system' } })).all;
    },
    async close() {
      await new Promise((resolve) => main.close(resolve));
      await new Promise((resolve) => csp.close(resolve));
      await desk.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The test host. */
export type Host = Awaited<ReturnType<typeof startHost>>;
