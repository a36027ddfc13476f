import { type Actor, createHelpDesk, type HelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi, type SupportApi } from '@ticketkit/server';
import { describe, expect, test } from 'vitest';
import { AUTHORIZATION_MATRIX, CALLERS, type Caller, type MatrixRow } from './support/authorization-matrix.js';
import { testSession } from './support/test-session.js';

/**
 * The authorization matrix, table-driven: every route × every kind of caller
 * gets the status the table says, on a real desk, with a fresh ticket in the
 * state the route needs. Refusals are problem documents and change nothing.
 */

const KEN: Actor = { type: 'customer', email: 'ken@example.com', name: 'Ken' };
const KAREN: Actor = { type: 'customer', email: 'karen@example.com', name: 'Karen' };
const ANN: Actor = { type: 'agent', id: 'ann' };
const ROOT: Actor = { type: 'agent', id: 'root' };

async function setupDesk() {
  const desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['l2'] });
  await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
  await desk.cannedResponses.upsert({ id: 'greeting', title: 'Greeting', body: 'Hello {{requester.name}}' });
  const api = createSupportApi(desk, {
    authenticate: testSession,
    rateLimits: { intakePerIp: false, intakePerEmail: false },
  });
  return { desk, api };
}

/** A ticket of Ken's in the state a row needs, and his and Karen's access tokens. */
async function ticketIn(desk: HelpDesk, api: SupportApi, setup: MatrixRow['setup']) {
  const opened = await api.fetch(
    new Request('http://desk.test/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requester: { email: KEN.type === 'customer' ? KEN.email : '' },
        subject: 'Card blocked abroad',
        body: 'My card does not work.',
        departmentId: 'help',
      }),
    }),
  );
  const { ticket, accessToken } = (await opened.json()) as { ticket: { number: string }; accessToken: string };
  const ref = ticket.number;
  if (setup === 'assigned' || setup === 'resolved' || setup === 'closed') {
    await desk.tickets.assign(ref, { agentId: 'ann' }, { actor: ANN });
  }
  if (setup === 'resolved' || setup === 'closed') {
    await desk.tickets.resolve(ref, { resolutionNote: 'Unblocked' }, { actor: ANN });
  }
  if (setup === 'closed') await desk.tickets.close(ref, { force: true }, { actor: ROOT });
  const karens = await desk.tickets.open(
    { subject: 'Statement', body: 'Where is it?', departmentId: 'help' },
    { actor: KAREN },
  );
  const karenToken = (await desk.accessTokens.issue(karens.id, { actor: KAREN })).token;
  return { ref, token: accessToken, karenToken };
}

function headersFor(caller: Caller, tokens: { token: string; karenToken: string }): Record<string, string> {
  switch (caller) {
    case 'anonymous':
      return {};
    case 'requester':
      return { 'x-test-session': 'customer:ken@example.com' };
    case 'requester (token)':
      return { authorization: `Bearer ${tokens.token}` };
    case 'another customer':
      return { 'x-test-session': 'customer:karen@example.com' };
    case 'another customer (token)':
      return { authorization: `Bearer ${tokens.karenToken}` };
    case 'agent of the department':
      return { 'x-test-session': 'agent:ann' };
    case 'agent of another department':
      return { 'x-test-session': 'agent:winston' };
    case 'admin':
      return { 'x-test-session': 'agent:root' };
  }
}

/** The intake body names its requester: the signed-in customer, else Ken. */
function bodyFor(entry: MatrixRow, caller: Caller): Record<string, unknown> | undefined {
  if (entry.path !== '/tickets' || !entry.body) return entry.body;
  const email = caller === 'another customer' ? 'karen@example.com' : 'ken@example.com';
  return { ...entry.body, requester: { email } };
}

describe.each(AUTHORIZATION_MATRIX)('$method $path', (entry) => {
  test.each(CALLERS)('%s', async (caller) => {
    const { desk, api } = await setupDesk();
    const tokens = await ticketIn(desk, api, entry.setup);
    const body = bodyFor(entry, caller);
    const before = await desk.tickets.get(tokens.ref, { actor: ROOT });
    const response = await api.fetch(
      new Request(`http://desk.test${entry.path.replace('{ref}', tokens.ref)}`, {
        method: entry.method,
        headers: { ...headersFor(caller, tokens), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    );
    // The event stream never ends by itself: its status and headers are the answer.
    const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
    if (streaming) await response.body?.cancel();
    const text = streaming ? '' : await response.text();
    expect(response.status, `${entry.method} ${entry.path} as ${caller}: ${text.slice(0, 300)}`).toBe(
      entry.expected[caller],
    );
    if (response.status >= 400) {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(text) as { status: number; code: string };
      expect(problem.status).toBe(response.status);
      // A refused request changes nothing.
      const after = await desk.tickets.get(tokens.ref, { actor: ROOT });
      expect(after.version).toBe(before.version);
      // Another customer never learns the ticket exists: the same answer as for a ticket that does not.
      if (response.status === 404 && entry.path.includes('{ref}')) {
        const missing = await api.fetch(
          new Request(`http://desk.test${entry.path.replace('{ref}', '999999')}`, {
            method: entry.method,
            headers: { ...headersFor(caller, tokens), ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body: JSON.stringify(body) } : {}),
          }),
        );
        expect(missing.status).toBe(404);
        const same = JSON.parse(await missing.text()) as { code: string; title: string };
        expect([same.code, same.title]).toEqual([
          (problem as { code: string }).code,
          (problem as unknown as { title: string }).title,
        ]);
      }
    } else if ((caller.includes('customer') || caller.startsWith('requester')) && /^\/(tickets|me)/.test(entry.path)) {
      // Customers never see who holds the ticket, its plan or internal entries.
      expect(text).not.toContain('"assigneeId"');
      expect(text).not.toContain('"slaPlanId"');
      expect(text).not.toContain('"internal":true');
    }
  });
});

test('the matrix covers every route of the API', async () => {
  const { api } = await setupDesk();
  const covered = new Set(AUTHORIZATION_MATRIX.map((entry) => `${entry.method} ${entry.path.split('?')[0]}`));
  const routes = api.routes.map(
    (route) =>
      `${route.method} ${route.path.replace(':ref', '{ref}').replace(':name', 'open').replace(':id', 'greeting')}`,
  );
  expect([...covered].sort()).toEqual([...new Set(routes)].sort());
});
