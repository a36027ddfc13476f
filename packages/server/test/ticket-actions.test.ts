import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test } from 'vitest';

/**
 * The ticket representation carries `actions` for agents (what this agent
 * may do now, from the statechart), and never for customers.
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON bodies, read the way a client reads them
type Json = Record<string, any>;

async function setup() {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  await desk.agents.upsert({ id: 'isabella', name: 'Isabella', email: 'isabella@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
  const api = createSupportApi(desk, {
    authenticate: (request) => {
      const who = request.headers.get('x-who') ?? '';
      return who.includes('@') ? { type: 'customer', email: who } : who ? { type: 'agent', id: who } : null;
    },
  });
  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await api.fetch(
      new Request(`http://127.0.0.1${path}`, {
        method,
        headers: {
          'x-who': who,
          origin: 'http://127.0.0.1',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: response.status, body: (await response.json()) as Json };
  };
  const ticket = await desk.tickets.open(
    { requester: { email: 'ken@example.com' }, subject: 'Password reset', body: 'Locked out', departmentId: 'help' },
    { actor: { type: 'system' } },
  );
  return { desk, call, ticket };
}

test('GET /tickets/:ref and command responses carry the agent’s actions; customers get none', async () => {
  const { call, ticket } = await setup();
  const read = await call('isabella', 'GET', `/tickets/${ticket.number}`);
  expect(read.status).toBe(200);
  expect(read.body.actions.assign).toEqual({ allowed: true });
  expect(read.body.actions.startWork).toEqual({ allowed: false, reason: 'INVALID_TRANSITION' });
  expect(read.body.actions.confirmResolution).toEqual({ allowed: false, reason: 'FORBIDDEN' });

  const resolved = await call('isabella', 'POST', `/tickets/${ticket.number}/resolve`, { resolutionNote: 'Reset it' });
  expect(resolved.status).toBe(200);
  expect(resolved.body.actions.close).toEqual({ allowed: false, reason: 'CONFIRMATION_REQUIRED' });
  expect(resolved.body.actions.reopen).toEqual({ allowed: true });
  // What the button says is what the command does.
  const close = await call('isabella', 'POST', `/tickets/${ticket.number}/close`, {});
  expect(close.body.code).toBe('CONFIRMATION_REQUIRED');
  expect((await call('root', 'GET', `/tickets/${ticket.number}`)).body.actions.close).toEqual({
    allowed: true,
    requiresForce: true,
  });

  const customer = await call('ken@example.com', 'GET', `/tickets/${ticket.number}`);
  expect(customer.status).toBe(200);
  expect(customer.body).not.toHaveProperty('actions');
});

test('a transfer out of the agent’s reach succeeds, with nothing more allowed', async () => {
  const { call, ticket } = await setup();
  const moved = await call('isabella', 'POST', `/tickets/${ticket.number}/transfer`, { departmentId: 'l2' });
  expect(moved.status).toBe(200);
  expect(moved.body.departmentId).toBe('l2');
  expect(
    Object.values(moved.body.actions as Record<string, Json>).every((action) => action.reason === 'FORBIDDEN'),
  ).toBe(true);
});

test('the OpenAPI document describes actions and the event stream', async () => {
  const { call } = await setup();
  const { body } = await call('', 'GET', '/openapi.json');
  expect(Object.keys(body.paths['/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
  expect(JSON.stringify(body.components.schemas)).toContain('CONFIRMATION_REQUIRED');
});
