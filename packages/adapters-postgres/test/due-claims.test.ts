import { createHelpDesk, type HelpDesk, manualClock } from '@ticketkit/core';
import { afterAll, expect, test } from 'vitest';
import { type PostgresStorage, postgresStorage } from '../src/index.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Two schedulers on one schema share an SLA sweep by per-ticket claims
 * (`FOR UPDATE SKIP LOCKED`): each checks a part of the due tickets and every
 * breach fires once. Claims left by a scheduler that died hold until they
 * run out, and are then taken over.
 */

const poolA = testPool(4);
const poolB = testPool(4);
const raw = testPool(2);
const schema = schemaName('tk_due');
afterAll(async () => {
  await dropSchema(raw, schema);
  await Promise.all([poolA.end(), poolB.end(), raw.end()]);
});

const OPENED = '2026-03-02T09:00:00.000Z';
const ann = { actor: { type: 'agent', id: 'ann' } } as const;

async function breachesOf(desk: HelpDesk, ids: readonly string[]) {
  let total = 0;
  for (const id of ids) {
    const history = await desk.tickets.history(id, ann);
    const breaches = history.filter((event) => event.command === 'slaCheck' && event.event?.type === 'SLA_BREACH');
    expect(breaches.length, `ticket ${id} breached once`).toBeLessThanOrEqual(1);
    total += breaches.length;
  }
  return total;
}

/**
 * The storage with its first due-ticket claim held back until `until` settles: the claim is taken (its
 * leases written) and then the caller waits, as a scheduler busy with its batch would.
 */
function holdingFirstClaim(storage: PostgresStorage, until: Promise<void>, claimed: () => void): PostgresStorage {
  let first = true;
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'claimDueTickets') {
        return async (query: Parameters<PostgresStorage['claimDueTickets']>[0]) => {
          const tickets = await target.claimDueTickets(query);
          if (first) {
            first = false;
            claimed();
            await until;
          }
          return tickets;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const dueClaims = async () =>
  Number((await raw.query(`SELECT count(*) AS n FROM "${schema}".leases WHERE name LIKE 'ticketkit:due:%'`)).rows[0].n);

test('two schedulers share a sweep; a dead scheduler’s claims are taken over when they run out', {
  timeout: 120_000,
}, async () => {
  const clock = manualClock(OPENED);
  const storageA = postgresStorage({ pool: poolA, schema });
  // Each scheduler, having taken its first claim, waits until the other has taken one too: they sweep at the
  // same time whatever the machine's timing (otherwise the first could finish both batches alone).
  let aClaimed = () => {};
  let bClaimed = () => {};
  const aHasClaimed = new Promise<void>((resolve) => {
    aClaimed = resolve;
  });
  const bHasClaimed = new Promise<void>((resolve) => {
    bClaimed = resolve;
  });
  const a = await createHelpDesk({ storage: holdingFirstClaim(storageA, bHasClaimed, aClaimed), clock });
  const b = await createHelpDesk({
    storage: holdingFirstClaim(postgresStorage({ pool: poolB, schema }), aHasClaimed, bClaimed),
    clock,
  });
  await a.departments.upsert({ id: 'help', name: 'Help Desk' });
  await a.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  await a.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  const open = async (subject: string) => {
    const ticket = await a.tickets.open(
      { subject, body: 'Help', departmentId: 'help', requester: { email: 'ken@example.com' } },
      { actor: { type: 'system' } },
    );
    return (await a.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, ann)).id;
  };

  // More due tickets than one claim takes (100): both schedulers get a share.
  const shared: string[] = [];
  for (let index = 0; index < 130; index++) shared.push(await open(`Shared ${index}`));
  clock.set('2026-03-02T10:10:00.000Z');
  const reports = await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
  const checked = reports.map((report) => report.tickets.checked);
  expect(
    checked.every((count) => count > 0),
    `both schedulers checked tickets: ${checked}`,
  ).toBe(true);
  expect(reports.reduce((sum, report) => sum + report.tickets.breached, 0)).toBe(130);
  expect(await breachesOf(a, shared)).toBe(130);
  expect(await dueClaims(), 'the claims are given back').toBe(0);

  // A scheduler claims three due tickets and dies before checking them.
  clock.set('2026-03-02T11:00:00.000Z');
  const orphaned: string[] = [];
  for (let index = 0; index < 3; index++) orphaned.push(await open(`Orphaned ${index}`));
  clock.set('2026-03-02T12:10:00.000Z');
  const dead = await storageA.claimDueTickets({
    dueBefore: clock.now().toISOString(),
    limit: 100,
    owner: 'a-dead-server',
    now: clock.now().toISOString(),
    until: '2026-03-02T12:15:00.000Z',
  });
  expect(dead.map((ticket) => ticket.id).sort()).toEqual([...orphaned].sort());

  // While its claims hold, the live scheduler leaves those tickets alone.
  clock.set('2026-03-02T12:14:00.000Z');
  const held = await b.scheduler.runOnce();
  expect(held.tickets.checked).toBe(0);
  expect(await breachesOf(a, orphaned)).toBe(0);

  // When they run out, it takes them over and fires each breach once.
  clock.set('2026-03-02T12:15:00.000Z');
  const takeover = await b.scheduler.runOnce();
  expect(takeover.tickets.breached).toBe(3);
  expect(await breachesOf(a, orphaned)).toBe(3);
  expect((await b.scheduler.runOnce()).tickets.breached, 'nothing fires twice').toBe(0);
  expect(await dueClaims()).toBe(0);
  await Promise.all([a.close(), b.close()]);
});
