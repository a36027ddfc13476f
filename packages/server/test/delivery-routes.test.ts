import { createHelpDesk, memoryStorage, type Notifier } from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test } from 'vitest';

/**
 * The delivery log over HTTP: `GET /deliveries` for admins, with its filters, and `GET /tickets/{ref}/deliveries`
 * for the agents who may see the ticket. (Who may call which is in the authorization matrix.)
 */

async function setup() {
  let failing = true;
  const flaky: Notifier = {
    id: 'email',
    async send(notification) {
      // The requester's auto-response fails for good; alerts to staff go through.
      if (failing && notification.type === 'ticket.auto_response') throw new Error('SMTP 451 try later');
    },
  };
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    notifiers: [flaky],
    delivery: { maxAttempts: 1 },
    logger: { warn() {}, error() {} },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
  const api = createSupportApi(desk, {
    authenticate: (request) => {
      const id = request.headers.get('x-agent');
      return id ? { type: 'agent', id } : null;
    },
  });
  const get = async (path: string, agent = 'root') => {
    const response = await api.fetch(new Request(`http://desk.test${path}`, { headers: { 'x-agent': agent } }));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ken = { type: 'customer', email: 'ken@example.com' } as const;
  const first = await desk.tickets.open({ subject: 'Card', body: 'Blocked', departmentId: 'help' }, { actor: ken });
  const second = await desk.tickets.open({ subject: 'Loan', body: 'Rates?', departmentId: 'help' }, { actor: ken });
  await desk.deliveries.idle();
  failing = false;
  return { desk, get, first, second };
}

type Item = { ticketId: string; status: string; type: string; recipient: { email: string }; attempts: unknown[] };

test('GET /deliveries lists the log newest first, filtered by ticket and status, page by page', async () => {
  const { desk, get, first, second } = await setup();
  const all = await get('/deliveries?limit=100');
  expect(all.status).toBe(200);
  const items = all.body.items as Item[];
  expect(new Set(items.map((item) => item.ticketId))).toEqual(new Set([first.id, second.id]));
  expect(items.every((item) => item.attempts.length === 1)).toBe(true);
  // The text quotes the customer and may carry a link that opens the ticket: not in the log's view.
  expect(JSON.stringify(all.body)).not.toContain('"text"');

  const dead = await get('/deliveries?status=dead');
  const deadItems = dead.body.items as Item[];
  expect(deadItems.length).toBe(2);
  expect(deadItems.every((item) => item.type === 'ticket.auto_response' && item.status === 'dead')).toBe(true);

  const byNumber = await get(`/deliveries?ticketId=${first.number}&status=delivered`);
  expect(
    (byNumber.body.items as Item[]).every((item) => item.ticketId === first.id && item.status === 'delivered'),
  ).toBe(true);

  const firstPage = await get('/deliveries?limit=1');
  expect(firstPage.body.items as Item[]).toHaveLength(1);
  const next = await get(`/deliveries?limit=1&cursor=${encodeURIComponent(String(firstPage.body.nextCursor))}`);
  expect((next.body.items as Item[])[0]).not.toEqual((firstPage.body.items as Item[])[0]);
  await desk.close();
});

test('GET /tickets/{ref}/deliveries lists one ticket’s deliveries; bad filters are 422 naming the parameter', async () => {
  const { desk, get, first } = await setup();
  const mine = await get(`/tickets/${first.number}/deliveries`, 'ann');
  expect(mine.status).toBe(200);
  const items = mine.body.items as Item[];
  expect(items.length).toBeGreaterThan(0);
  expect(items.every((item) => item.ticketId === first.id)).toBe(true);
  const dead = await get(`/tickets/${first.number}/deliveries?status=dead`, 'ann');
  expect((dead.body.items as Item[]).map((item) => item.recipient.email)).toEqual(['ken@example.com']);

  for (const [path, field] of [
    ['/deliveries?status=lost', 'status'],
    ['/deliveries?limit=0', 'limit'],
    ['/deliveries?colour=red', ''],
    [`/tickets/${first.number}/deliveries?ticketId=x`, ''],
  ] as const) {
    const refused = await get(path);
    expect(refused.status, path).toBe(422);
    expect(String(refused.body.detail), path).toContain(field);
  }
  expect((await get('/deliveries?ticketId=999999')).status).toBe(404);
  await desk.close();
});
