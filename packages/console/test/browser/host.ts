import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { type Actor, createHelpDesk, defaultSlaPolicy, type HelpDesk, type Notifier } from '@ticketkit/core';
import { createSupportApi, toNodeHandler } from '@ticketkit/server';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const require = (path: string) => readFileSync(path);

/** The Content-Security-Policy of the test page: nothing inline, no eval. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'";

/** A notifier that "sends" mail, and refuses Karen's address (so the delivery log has an error to show). */
const mailer: Notifier = {
  id: 'mail',
  async send(notification) {
    if (notification.recipient?.email.startsWith('karen@')) throw new Error('550 5.1.1 mailbox unavailable');
  },
};

/** Who the test's browser is: a demo "session" cookie naming the agent (a host reads its own session here). */
function sessionOf(request: Request): Actor | null {
  const agent = /(?:^|;\s*)agent=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  return agent ? { type: 'agent', id: agent } : null;
}

/**
 * The browser tests' host: a real server on 127.0.0.1 with SQLite, the API
 * under `/support`, and a page with `<ticketkit-console>` under a strict CSP.
 */
export async function startHost(dir: string) {
  let offsetMs = 0;
  const desk: HelpDesk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    clock: { now: () => new Date(Date.now() + offsetMs) },
    notifiers: [mailer],
    sla: defaultSlaPolicy({ defaultPlan: { byPriority: { urgent: 'sev-a', high: 'sev-b' }, fallback: 'sev-c' } }),
    intake: { defaultDepartmentId: 'help-desk' },
  });
  await desk.departments.upsert({ id: 'help-desk', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'level-2', name: 'Level 2 Support' });
  await desk.teams.upsert({ id: 'front-line', name: 'Front line', departmentId: 'help-desk', memberIds: ['isabella'] });
  await desk.agents.upsert({
    id: 'isabella',
    name: 'Isabella',
    email: 'isabella@bank.test',
    departmentIds: ['help-desk'],
  });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['level-2'] });
  await desk.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  await desk.slaPlans.upsert({ id: 'sev-b', name: 'SEV B', firstResponseWithin: '4h', resolveWithin: '16h' });
  await desk.slaPlans.upsert({ id: 'sev-c', name: 'SEV C', firstResponseWithin: '8h', resolveWithin: '3d' });
  await desk.cannedResponses.upsert({
    id: 'password-reset',
    title: 'Password reset link',
    body: 'Hi {{requester.name | "there"}}, I have sent a password reset link for ticket {{ticket.number}} to your email address. It is valid for one hour. — {{agent.name}}, {{department.name}}',
    departmentId: 'help-desk',
  });

  const api = createSupportApi(desk, { authenticate: sessionOf, basePath: '/support', events: { heartbeatMs: 5_000 } });
  const handler = toNodeHandler(api);
  const script = require(here('../../dist/ticketkit-console.js'));
  const axe = require(here('../../../../node_modules/axe-core/axe.min.js'));
  const page = (agent: string, pageSize: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Support console</title>
<link rel="stylesheet" href="/page.css"><script type="module" src="/console.js"></script></head>
<body><ticketkit-console endpoint="/support" agent-id="${agent}" page-size="${pageSize}"></ticketkit-console></body></html>`;

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer) => {
      response.writeHead(200, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (url.pathname === '/')
      return send(
        'text/html; charset=utf-8',
        page(url.searchParams.get('agent') ?? 'isabella', String(Number(url.searchParams.get('pageSize')) || 25)),
      );
    if (url.pathname === '/console.js') return send('text/javascript', script);
    if (url.pathname === '/axe.js') return send('text/javascript', axe);
    if (url.pathname === '/page.css') return send('text/css', 'html,body{margin:0;height:100%}');
    void handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    desk,
    origin,
    /** Moves the desk's clock (the SLA engine) by `ms`. */
    shiftClock(ms: number) {
      offsetMs += ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await desk.close();
    },
  };
}
