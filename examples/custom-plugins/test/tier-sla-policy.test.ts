import { type CalendarInput, createHelpDesk, manualClock, memoryStorage, type TicketkitEvents } from '@ticketkit/core';
import { makeTicket } from '@ticketkit/core/testing';
import { expect, onTestFinished, test } from 'vitest';
import * as z from 'zod';
import { type TierPlan, tierSlaPolicy } from '../src/index.js';

// London keeps GMT (UTC+0) until 29 March 2026, so local office hours read as UTC below.
const london: CalendarInput = {
  id: 'london',
  timeZone: 'Europe/London',
  weekly: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
};
const tiers = {
  platinum: { firstResponseWithin: '1h', resolveWithin: '4h' }, // around the clock
  gold: { firstResponseWithin: '4h', resolveWithin: '2d', calendarId: 'london' },
  standard: { firstResponseWithin: '8h', resolveWithin: '5d', calendarId: 'london' },
} satisfies Record<string, TierPlan>;

const admin = { type: 'agent', id: 'ada' } as const;
const customer = (email: string) => ({ type: 'customer', email }) as const;

/** A real desk on the tier policy, at Friday 6 March 2026, 16:00 in London: one office hour left in the week. */
async function tierDesk(policy = tierSlaPolicy({ tiers, defaultTier: 'standard', calendars: [london] })) {
  const clock = manualClock('2026-03-06T16:00:00Z');
  const desk = await createHelpDesk({
    storage: memoryStorage(),
    clock,
    sla: policy,
    fields: z.object({ tier: z.enum(['platinum', 'gold', 'standard']).optional() }),
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@desk.test', departmentIds: ['help'] });
  await desk.agents.upsert({ id: 'ada', name: 'Ada', email: 'ada@desk.test', role: 'admin' });
  return { desk, clock };
}

test('platinum customers get the short plan, everyone else the standard one, with hand-computed due times', async () => {
  const { desk } = await tierDesk();
  const open = (email: string, fields: { tier?: 'platinum' | 'gold' | 'standard' }) =>
    desk.tickets.open(
      { subject: 'Payments fail', body: 'Every card payment fails since noon.', departmentId: 'help', fields },
      { actor: customer(email) },
    );

  const platinum = await open('cfo@bigbank.example', { tier: 'platinum' });
  const gold = await open('ops@midbank.example', { tier: 'gold' });
  const untiered = await open('ken@example.com', {});

  // Platinum counts around the clock: opened 16:00, answered by 17:00, resolved by 20:00 the same Friday.
  expect(platinum).toMatchObject({
    slaPlanId: 'tier-platinum',
    firstResponseDueAt: '2026-03-06T17:00:00.000Z',
    resolutionDueAt: '2026-03-06T20:00:00.000Z',
  });
  // Gold: 4 office hours = Friday 16–17, then Monday 09–12.
  expect(gold).toMatchObject({ slaPlanId: 'tier-gold', firstResponseDueAt: '2026-03-09T12:00:00.000Z' });
  // No tier: the standard plan, 8 office hours = Friday 16–17, then Monday 09–16.
  expect(untiered).toMatchObject({ slaPlanId: 'tier-standard', firstResponseDueAt: '2026-03-09T16:00:00.000Z' });

  // The policy brought its plans (and the calendar they count in) into the directory.
  expect((await desk.slaPlans.list()).map(({ id, name, calendarId }) => ({ id, name, calendarId }))).toEqual([
    { id: 'tier-gold', name: 'Gold tier', calendarId: 'london' },
    { id: 'tier-platinum', name: 'Platinum tier', calendarId: null },
    { id: 'tier-standard', name: 'Standard tier', calendarId: 'london' },
  ]);
  expect(await desk.calendars.get('london')).toMatchObject({ timeZone: 'Europe/London' });
});

test('once the due time passes, the scheduler breaches the platinum ticket once and lists it as overdue', async () => {
  const { desk, clock } = await tierDesk();
  const breaches: TicketkitEvents['sla.breached'][] = [];
  desk.on('sla.breached', (event) => {
    breaches.push(event);
  });
  const platinum = await desk.tickets.open(
    { subject: 'Payments fail', body: 'Every card payment fails.', departmentId: 'help', fields: { tier: 'platinum' } },
    { actor: customer('cfo@bigbank.example') },
  );
  const standard = await desk.tickets.open(
    { subject: 'Statement missing', body: 'My February statement is missing.', departmentId: 'help' },
    { actor: customer('ken@example.com') },
  );
  const overdue = async () => (await desk.queues.list('overdue', { actor: admin })).items.map((ticket) => ticket.id);

  clock.set('2026-03-06T16:59:00Z');
  await desk.scheduler.runOnce();
  expect(breaches).toEqual([]);
  expect(await overdue()).toEqual([]);

  clock.set('2026-03-06T17:01:00Z');
  const report = await desk.scheduler.runOnce();
  expect(report.tickets.breached).toBe(1);
  expect(breaches).toHaveLength(1);
  expect(breaches[0]).toMatchObject({
    target: 'first_response',
    dueAt: '2026-03-06T17:00:00.000Z',
    ticket: { id: platinum.id, slaState: 'breached' },
  });
  expect(await overdue()).toEqual([platinum.id]);

  // Breached is breached: another sweep does not say it again.
  const again = await desk.scheduler.runOnce();
  expect(again.tickets.breached).toBe(0);
  expect(breaches).toHaveLength(1);
  // The standard ticket has office hours to go (Monday 16:00).
  expect((await desk.tickets.get(standard.id, { actor: admin })).slaState).toBe('on_track');
  expect(await overdue()).toEqual([platinum.id]);
});

test('the tier can come from anywhere on the ticket, e.g. the requester’s email domain', async () => {
  const domains: Record<string, 'platinum' | 'gold'> = { 'bigbank.example': 'platinum', 'midbank.example': 'gold' };
  const { desk } = await tierDesk(
    tierSlaPolicy({
      tiers,
      tierOf: (ticket) => domains[ticket.requester.email.split('@')[1] ?? ''],
      defaultTier: 'standard',
      calendars: [london],
    }),
  );
  const open = (email: string) =>
    desk.tickets.open(
      { subject: 'Login fails', body: 'I cannot log in.', departmentId: 'help' },
      { actor: customer(email) },
    );
  expect((await open('cfo@bigbank.example')).slaPlanId).toBe('tier-platinum');
  expect((await open('ops@midbank.example')).slaPlanId).toBe('tier-gold');
  expect((await open('ken@example.com')).slaPlanId).toBe('tier-standard');
});

test('a ticket follows its tier when its fields change, unless an agent chose its plan', async () => {
  const { desk, clock } = await tierDesk();
  const ticket = await desk.tickets.open(
    { subject: 'Payments fail', body: 'Every card payment fails.', departmentId: 'help' },
    { actor: customer('cfo@bigbank.example') },
  );
  expect(ticket.slaPlanId).toBe('tier-standard');
  clock.advance('10m');
  // The plan came from the policy, so it follows the upgrade. The new plan replays the ticket's history:
  // its hour counts from the opening, not from the change.
  const upgraded = await desk.tickets.update(ticket.id, { fields: { tier: 'platinum' } }, { actor: admin });
  expect(upgraded).toMatchObject({ slaPlanId: 'tier-platinum', firstResponseDueAt: '2026-03-06T17:00:00.000Z' });
  // An agent's choice wins over the tier from then on.
  await desk.tickets.update(ticket.id, { slaPlanId: 'tier-gold' }, { actor: admin });
  const downgraded = await desk.tickets.update(ticket.id, { fields: { tier: 'standard' } }, { actor: admin });
  expect(downgraded.slaPlanId).toBe('tier-gold');
});

test('the policy picks plans from the tier, falls back to the default tier, and refuses bad options', () => {
  const policy = tierSlaPolicy({ tiers, defaultTier: 'standard', calendars: [london] });
  expect(policy.id).toBe('tier');
  expect(policy.plans?.map((plan) => plan.id)).toEqual(['tier-platinum', 'tier-gold', 'tier-standard']);
  const plans = [
    { id: 'tier-platinum', name: 'P', firstResponseWithin: '1h', resolveWithin: '4h' },
    { id: 'tier-standard', name: 'S', firstResponseWithin: '8h', resolveWithin: '5d' },
  ].map((plan) => ({ ...plan, calendarId: null, warnAt: 0.75, pauseWhileAwaitingCustomer: true }));
  const select = (fields: Record<string, unknown>, using = policy) => using.selectPlan?.(makeTicket({ fields }), plans);

  expect(select({ tier: 'platinum' })).toBe('tier-platinum');
  expect(select({ tier: 'diamond' })).toBe('tier-standard');
  expect(select({ tier: 42 })).toBe('tier-standard');
  // Customer data never reaches the prototype.
  expect(select({ tier: 'constructor' })).toBe('tier-standard');
  // Gold's plan is not in the directory given: no plan rather than a dangling id.
  expect(select({ tier: 'gold' })).toBeNull();

  const noDefault = tierSlaPolicy({
    tiers: { vip: { id: 'tier-platinum', firstResponseWithin: '1h', resolveWithin: '4h' } },
  });
  expect(select({ tier: 'vip' }, noDefault)).toBe('tier-platinum');
  expect(select({}, noDefault)).toBeNull();

  expect(() => tierSlaPolicy({ tiers: {} })).toThrow('tiers must name at least one tier');
  expect(() => tierSlaPolicy({ tiers, defaultTier: 'bronze' as 'gold' })).toThrow(
    "defaultTier 'bronze' is not one of the tiers (platinum, gold, standard)",
  );
});
