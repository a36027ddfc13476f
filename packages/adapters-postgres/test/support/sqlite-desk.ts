import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, type HelpDesk, manualClock, type Notifier } from '@ticketkit/core';

const OPENED = '2026-03-02T09:00:00.000Z';

/** Ticket numbers from a sequence: `000001`, `000002`, … */
export const TICKET_NUMBERS = { format: '######', sequence: true } as const;

/** What a built SQLite desk holds for the checks: its tickets and an access token per tenth ticket. */
export interface BuiltDesk {
  /** The ticket ids, in opening order. */
  ids: string[];
  /** Access tokens issued, with their ticket. */
  tokens: { token: string; ticketId: string }[];
}

const notifiers: Notifier[] = [
  { id: 'webhook', async send() {} },
  // Always fails: its deliveries stay retrying (and then dead), as a broken endpoint leaves them.
  {
    id: 'flaky',
    async send() {
      throw new Error('endpoint down');
    },
  },
];

/** Opens a desk on a SQLite file with the test's notifiers and clock. */
export async function openSqliteDesk(filename: string): Promise<HelpDesk> {
  return createHelpDesk({
    storage: sqliteStorage({ filename }),
    clock: manualClock(OPENED),
    // Numbered from the storage's counter, so that the copy's counters matter.
    ticketNumber: TICKET_NUMBERS,
    notifiers,
    logger: { warn: () => {}, error: () => {} },
  });
}

/**
 * Builds a desk on a SQLite file through the real desk API: two
 * departments, agents, an SLA plan, `count` tickets in every status with
 * replies, notes and assignments, idempotency keys, access tokens,
 * deliveries (sent, retrying) and outbox messages still pending.
 */
export async function buildSqliteDesk(filename: string, count: number): Promise<BuiltDesk> {
  const desk = await openSqliteDesk(filename);
  const ann = { actor: { type: 'agent', id: 'ann' } } as const;
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help', 'billing'] });
  await desk.agents.upsert({ id: 'bob', name: 'Bob', email: 'bob@bank.test', departmentIds: ['help'] });
  await desk.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  const built: BuiltDesk = { ids: [], tokens: [] };
  for (let index = 0; index < count; index++) {
    const customer = { actor: { type: 'customer', email: `c${index % 17}@example.com` } } as const;
    const ticket = await desk.tickets.open(
      {
        subject: `Card blocked ${index} ${index % 2 ? 'abroad' : 'online'}`,
        body: `Help with case ${index}: the payment failed`,
        departmentId: index % 3 ? 'help' : 'billing',
        ...(index % 4 === 0 ? { idempotencyKey: `req-${index}` } : {}),
      },
      customer,
    );
    built.ids.push(ticket.id);
    if (index % 2 === 0) await desk.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, ann);
    if (index % 3 === 0) await desk.tickets.note(ticket.id, { body: `Checked the ledger for ${index}` }, ann);
    if (index % 10 === 0) {
      const issued = await desk.accessTokens.issue(ticket.id, customer);
      built.tokens.push({ token: issued.token, ticketId: ticket.id });
    }
    switch (index % 6) {
      case 1:
        await desk.tickets.assign(ticket.id, { agentId: 'ann' }, ann);
        await desk.tickets.startWork(ticket.id, {}, ann);
        break;
      case 2:
        await desk.tickets.requestInfo(ticket.id, { body: 'Which card?' }, ann);
        break;
      case 3:
        await desk.tickets.assign(ticket.id, { agentId: 'ann' }, ann);
        await desk.tickets.resolve(ticket.id, { resolutionNote: 'Unblocked', body: 'Done!' }, ann);
        break;
      case 4:
        await desk.tickets.resolve(ticket.id, { resolutionNote: 'Refunded' }, ann);
        await desk.tickets.confirmResolution(ticket.id, {}, customer);
        break;
      case 5:
        await desk.tickets.reply(ticket.id, { body: 'Any news?' }, customer);
        break;
    }
    // Send what is due now and then: most messages are dispatched, the last ones stay pending.
    if (index % 20 === 19 && index < count - 10) await desk.scheduler.runOnce();
  }
  await desk.close();
  return built;
}
