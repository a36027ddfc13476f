import { describe, expect, test } from 'vitest';
import {
  createHelpDesk,
  type HelpDesk,
  isTicketkitError,
  type MemoryStorage,
  manualClock,
  memoryStorage,
  type Notification,
  type Notifier,
  type StorageAdapter,
} from '../src/index.js';
import { actors, createTestDesk, recordingLogger } from './support/test-desk.js';

/**
 * The scheduler end to end through the public API: SLA warnings and
 * breaches (each once), the overdue queue, pauses, auto-close, reminders, two
 * schedulers on one storage, and the timer.
 */

/** A notifier that keeps what it was sent. */
function inbox(): Notifier & { sent: Notification[]; types_(type: string): string[] } {
  const sent: Notification[] = [];
  return {
    id: 'inbox',
    sent,
    async send(notification) {
      sent.push(notification);
    },
    types_: (type) => sent.filter((n) => n.type === type).map((n) => n.recipient?.email ?? ''),
  };
}

/** Collects the SLA and closing events of a desk, in order. */
function recorder(desk: HelpDesk) {
  const seen: { name: string; event: Record<string, unknown> }[] = [];
  const keep = (name: string) => (event: object) => {
    seen.push({ name, event: { ...event } });
  };
  desk.on('sla.warning', keep('sla.warning'));
  desk.on('sla.breached', keep('sla.breached'));
  desk.on('ticket.closed', keep('ticket.closed'));
  return seen;
}

async function deskWithPlan(planId: 'running' | 'pausing', options: Parameters<typeof createTestDesk>[0] = {}) {
  const notifier = inbox();
  const setup = await createTestDesk({ notifiers: [notifier], ...options });
  const ticket = await setup.open();
  await setup.desk.tickets.update(ticket.id, { slaPlanId: planId }, { actor: actors.root });
  const get = () => setup.desk.tickets.get(ticket.id, { actor: actors.root });
  // Notifications are sent in the background after each commit; a sweep also sends whatever is due.
  const settle = async () => {
    await setup.desk.scheduler.runOnce();
  };
  return { ...setup, ticket, get, notifier, settle };
}

describe('SLA targets', () => {
  test('a target warns once, breaches once, fills the overdue queue, and leaves it when met late', async () => {
    // Plan SEV A ('running'): first response within 1h, resolution within 8h, at risk at 75 %, 24/7.
    const { desk, clock, ticket, get, notifier } = await deskWithPlan('running');
    const seen = recorder(desk);
    expect(await get()).toMatchObject({
      firstResponseDueAt: '2026-03-02T10:00:00.000Z',
      resolutionDueAt: '2026-03-02T17:00:00.000Z',
      nextCheckAt: '2026-03-02T09:45:00.000Z',
      slaState: 'on_track',
    });
    expect((await desk.scheduler.runOnce()).tickets.checked).toBe(0);

    clock.set('2026-03-02T09:46:00Z');
    const warned = await desk.scheduler.runOnce();
    expect(warned.tickets).toMatchObject({ checked: 1, warned: 1, breached: 0 });
    expect(seen).toEqual([
      {
        name: 'sla.warning',
        event: expect.objectContaining({ target: 'first_response', dueAt: '2026-03-02T10:00:00.000Z' }),
      },
    ]);
    expect(await get()).toMatchObject({ slaState: 'at_risk', nextCheckAt: '2026-03-02T10:00:00.000Z' });
    expect((await desk.scheduler.runOnce()).tickets.checked, 'nothing is due again before 10:00').toBe(0);

    clock.set('2026-03-02T10:01:00Z');
    expect((await desk.scheduler.runOnce()).tickets).toMatchObject({ checked: 1, warned: 0, breached: 1 });
    expect((await desk.scheduler.runOnce()).tickets.checked).toBe(0);
    expect(seen.map((entry) => entry.name)).toEqual(['sla.warning', 'sla.breached']);
    // The resolution target is next: at risk after 6 of its 8 hours.
    expect(await get()).toMatchObject({ slaState: 'breached', nextCheckAt: '2026-03-02T15:00:00.000Z' });
    const overdue = await desk.queues.list('overdue', { actor: actors.ann });
    expect(overdue.items.map((item) => item.id)).toEqual([ticket.id]);
    expect((await desk.queues.counts({ actor: actors.ann })).overdue).toBe(1);
    const thread = await desk.tickets.thread(ticket.id, { actor: actors.ann });
    expect(thread.at(-1)).toMatchObject({
      kind: 'event',
      internal: true,
      body: 'First response overdue: it was due 2026-03-02T10:00:00.000Z',
    });
    const customerView = await desk.tickets.thread(ticket.id, { actor: actors.ken });
    expect(
      customerView.some((entry) => entry.body.includes('overdue')),
      'customers never see it',
    ).toBe(false);
    // Nobody holds the ticket, so its department's agents are alerted, once each.
    await desk.scheduler.runOnce();
    expect(notifier.types_('ticket.overdue_alert').sort()).toEqual(['ann@bank.test', 'bob@bank.test']);
    const alert = notifier.sent.find((n) => n.type === 'ticket.overdue_alert');
    expect(alert?.text).toContain('first response target');
    expect(alert?.text).toContain('was due 2026-03-02 10:00 UTC');

    // Ann answers late: the first response is met (late); what still runs is on track, and the queue lets go.
    await desk.tickets.reply(ticket.id, { body: 'Sorry for the wait.' }, { actor: actors.ann });
    expect((await get()).nextCheckAt, 'the region is re-checked at once').toBe('2026-03-02T10:01:00.000Z');
    expect((await desk.scheduler.runOnce()).tickets).toMatchObject({ checked: 1, slaMoved: 1 });
    expect(await get()).toMatchObject({ slaState: 'on_track', firstRespondedAt: '2026-03-02T10:01:00.000Z' });
    expect((await desk.queues.list('overdue', { actor: actors.ann })).items).toEqual([]);

    // The resolution target warns and breaches in its turn, each once.
    clock.set('2026-03-02T15:00:00Z');
    await desk.scheduler.runOnce();
    clock.set('2026-03-02T17:00:00Z');
    await desk.scheduler.runOnce();
    await desk.scheduler.runOnce();
    expect(seen.map((entry) => `${entry.name} ${String(entry.event.target)}`)).toEqual([
      'sla.warning first_response',
      'sla.breached first_response',
      'sla.warning resolution',
      'sla.breached resolution',
    ]);
    const history = await desk.tickets.history(ticket.id, { actor: actors.root });
    expect(history.filter((event) => event.command === 'slaCheck').map((event) => event.event)).toEqual([
      expect.objectContaining({ type: 'SLA_WARNING', warned: ['first_response'] }),
      expect.objectContaining({ type: 'SLA_BREACH', breached: ['first_response'] }),
      expect.objectContaining({ type: 'SLA_OK' }),
      expect.objectContaining({ type: 'SLA_WARNING', warned: ['resolution'] }),
      expect.objectContaining({ type: 'SLA_BREACH', breached: ['resolution'] }),
    ]);
    await desk.close();
  });

  test('a sweep that comes late fires the breach without the warning it skipped', async () => {
    const { desk, clock, get } = await deskWithPlan('running');
    const seen = recorder(desk);
    clock.set('2026-03-02T10:30:00Z');
    expect((await desk.scheduler.runOnce()).tickets).toMatchObject({ warned: 0, breached: 1 });
    expect(seen.map((entry) => entry.name)).toEqual(['sla.breached']);
    expect((await get()).slaState).toBe('breached');
  });

  test('the clock stops while the ticket awaits the customer, and resumes where it stopped', async () => {
    // Plan SEV C ('pausing'): first response within 8h, resolution within 3d, paused while awaiting the customer.
    const { desk, clock, ticket, get } = await deskWithPlan('pausing');
    const seen = recorder(desk);
    expect((await get()).resolutionDueAt).toBe('2026-03-05T09:00:00.000Z');
    clock.set('2026-03-02T10:00:00Z');
    await desk.tickets.requestInfo(ticket.id, { body: 'Which browser?' }, { actor: actors.ann });
    expect(await get()).toMatchObject({
      slaState: 'paused',
      firstRespondedAt: '2026-03-02T10:00:00.000Z',
      // Paused one hour into its three days: no due time while the clock stands still.
      resolutionDueAt: null,
      nextCheckAt: null,
    });
    clock.set('2026-03-07T10:00:00Z');
    const sweep = await desk.scheduler.runOnce();
    expect(sweep.tickets.checked, 'nothing to check on a paused ticket').toBe(0);
    expect(seen).toEqual([]);

    await desk.tickets.reply(ticket.id, { body: 'Firefox.' }, { actor: actors.ken });
    // 71 hours were left; they run from the customer's answer.
    expect(await get()).toMatchObject({
      status: 'open',
      slaState: 'on_track',
      resolutionDueAt: '2026-03-10T09:00:00.000Z',
      nextCheckAt: '2026-03-09T15:00:00.000Z',
    });
  });

  test('a plan that does not pause keeps counting while the customer is asked', async () => {
    const { desk, clock, ticket, get } = await deskWithPlan('running');
    clock.set('2026-03-02T09:30:00Z');
    await desk.tickets.requestInfo(ticket.id, { body: 'Which browser?' }, { actor: actors.ann });
    expect(await get()).toMatchObject({ slaState: 'on_track', resolutionDueAt: '2026-03-02T17:00:00.000Z' });
    clock.set('2026-03-02T17:00:00Z');
    await desk.scheduler.runOnce();
    expect((await get()).slaState).toBe('breached');
  });

  test('when nothing is due any more (the plan changed), the ticket is only rescheduled', async () => {
    const { desk, clock, get } = await deskWithPlan('running');
    const seen = recorder(desk);
    await desk.slaPlans.upsert({
      id: 'running',
      name: 'SEV A',
      firstResponseWithin: '2h',
      resolveWithin: '8h',
      pauseWhileAwaitingCustomer: false,
    });
    clock.set('2026-03-02T09:46:00Z');
    expect((await desk.scheduler.runOnce()).tickets).toMatchObject({ checked: 1, rescheduled: 1, warned: 0 });
    expect(seen).toEqual([]);
    expect(await get()).toMatchObject({
      firstResponseDueAt: '2026-03-02T11:00:00.000Z',
      nextCheckAt: '2026-03-02T10:30:00.000Z',
      slaState: 'on_track',
    });
  });

  test('a policy that throws is logged and never breaks a command or a sweep', async () => {
    const logger = recordingLogger();
    const desk = await createHelpDesk({
      storage: (await import('../src/index.js')).memoryStorage(),
      clock: manualClock('2026-03-02T09:00:00Z'),
      logger,
      sla: {
        id: 'broken',
        evaluate() {
          throw new Error('calendar service is down');
        },
      },
    });
    await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
    await desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
    await desk.slaPlans.upsert({ id: 'p', name: 'P', firstResponseWithin: '1h', resolveWithin: '1d' });
    const ticket = await desk.tickets.open(
      { subject: 'Help', body: 'Please', departmentId: 'help' },
      { actor: actors.ken },
    );
    const updated = await desk.tickets.update(ticket.id, { slaPlanId: 'p' }, { actor: actors.root });
    expect(updated).toMatchObject({ slaPlanId: 'p', firstResponseDueAt: null, nextCheckAt: null });
    expect(String(logger.errors[0]?.[0])).toContain("SLA policy 'broken' failed");
    expect((await desk.scheduler.runOnce()).tickets.failed).toBe(0);
  });
});

describe('auto-close and reminders', () => {
  test('a resolved ticket closes after the quiet period, with a thread event and a closed notice', async () => {
    const notifier = inbox();
    const { desk, clock, open } = await createTestDesk({ notifiers: [notifier] });
    const seen = recorder(desk);
    const ticket = await open();
    await desk.tickets.resolve(ticket.id, { resolutionNote: 'Reset link sent' }, { actor: actors.ann });
    expect((await desk.tickets.get(ticket.id, { actor: actors.ann })).nextCheckAt).toBe('2026-03-09T09:00:00.000Z');
    clock.set('2026-03-09T08:59:00Z');
    expect((await desk.scheduler.runOnce()).tickets.autoClosed).toBe(0);
    clock.set('2026-03-09T09:00:00Z');
    expect((await desk.scheduler.runOnce()).tickets.autoClosed).toBe(1);
    const closed = await desk.tickets.get(ticket.id, { actor: actors.ken });
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-03-09T09:00:00.000Z', nextCheckAt: null });
    const thread = await desk.tickets.thread(ticket.id, { actor: actors.ken });
    expect(thread.at(-1)).toMatchObject({
      kind: 'event',
      internal: false,
      body: 'Closed automatically after 1w without a reply',
      author: { type: 'system' },
    });
    expect(seen).toEqual([{ name: 'ticket.closed', event: expect.objectContaining({ reason: 'auto' }) }]);
    await desk.scheduler.runOnce();
    expect(notifier.types_('ticket.closed_notice')).toEqual(['ken@example.com']);
    // The closed notice asks for feedback; the customer gives it after the fact.
    const rated = await desk.tickets.feedback(ticket.id, { rating: 4, comment: 'Quick' }, { actor: actors.ken });
    expect(rated.feedback).toEqual({ rating: 4, comment: 'Quick', at: '2026-03-09T09:00:00.000Z' });
    const closedQueue = await desk.queues.list('closed', { actor: actors.ann });
    expect(closedQueue.items.map((item) => item.feedback?.rating)).toEqual([4]);
  });

  test('autoCloseAfter: null never closes', async () => {
    const { desk, clock, open } = await createTestDesk({ lifecycle: { autoCloseAfter: null } });
    const ticket = await open();
    const resolved = await desk.tickets.resolve(ticket.id, { resolutionNote: 'Done' }, { actor: actors.ann });
    expect(resolved.nextCheckAt).toBeNull();
    clock.advance('60d');
    expect((await desk.scheduler.runOnce()).tickets.checked).toBe(0);
  });

  test('a customer who does not answer is reminded once per wait', async () => {
    const notifier = inbox();
    const { desk, clock, open } = await createTestDesk({
      notifiers: [notifier],
      lifecycle: { remindAfter: '2d' },
    });
    const ticket = await open();
    await desk.tickets.requestInfo(ticket.id, { body: 'Which browser?' }, { actor: actors.ann });
    clock.set('2026-03-04T08:59:00Z');
    expect((await desk.scheduler.runOnce()).tickets.reminded).toBe(0);
    clock.set('2026-03-04T09:00:00Z');
    expect((await desk.scheduler.runOnce()).tickets.reminded).toBe(1);
    clock.set('2026-03-08T09:00:00Z');
    expect((await desk.scheduler.runOnce()).tickets.reminded, 'once per wait').toBe(0);
    expect(notifier.types_('ticket.awaiting_reminder')).toEqual(['ken@example.com']);
    expect(notifier.sent.find((n) => n.type === 'ticket.awaiting_reminder')?.subject).toBe(
      `Waiting for your reply: [#${ticket.number}] Password reset`,
    );

    await desk.tickets.reply(ticket.id, { body: 'Firefox' }, { actor: actors.ken });
    await desk.tickets.requestInfo(ticket.id, { body: 'Which version?' }, { actor: actors.ann });
    clock.set('2026-03-10T09:00:00Z');
    expect((await desk.scheduler.runOnce()).tickets.reminded, 'a new wait, a new reminder').toBe(1);
    expect(notifier.types_('ticket.awaiting_reminder')).toHaveLength(2);
  });
});

describe('several schedulers on one storage', () => {
  async function twoDesks(storage: StorageAdapter & { state?: MemoryStorage['state'] }, count = 30) {
    const clock = manualClock('2026-03-02T09:00:00Z');
    const make = () => createHelpDesk({ storage, clock, logger: recordingLogger() });
    const [a, b] = [await make(), await make()];
    await a.departments.upsert({ id: 'help', name: 'Help Desk' });
    await a.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
    await a.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
    const tickets = [];
    for (let index = 0; index < count; index++) {
      const ticket = await a.tickets.open(
        { subject: `Ticket ${index}`, body: 'Help', departmentId: 'help' },
        { actor: actors.ken },
      );
      tickets.push(await a.tickets.update(ticket.id, { slaPlanId: 'sev-a' }, { actor: actors.root }));
    }
    const warnings: string[] = [];
    for (const desk of [a, b]) {
      desk.on('sla.warning', ({ ticket }) => {
        warnings.push(ticket.id);
      });
    }
    clock.set('2026-03-02T09:50:00Z');
    return { a, b, tickets, warnings };
  }

  test('with per-ticket claims, both sweep and share the tickets; each warning fires once', async () => {
    const storage = (await import('../src/index.js')).memoryStorage();
    // More due tickets than one claim takes (100), so the second scheduler gets the rest.
    const { a, b, tickets, warnings } = await twoDesks(storage, 150);
    const reports = await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
    expect(reports.map((report) => report.sweptTickets)).toEqual([true, true]);
    const checked = reports.map((report) => report.tickets.checked);
    expect(
      checked.every((count) => count > 0),
      `both schedulers checked tickets: ${checked}`,
    ).toBe(true);
    expect(
      checked.reduce((sum, count) => sum + count, 0),
      'each due ticket checked by one scheduler',
    ).toBe(150);
    expect(warnings.sort()).toEqual(tickets.map((ticket) => ticket.id).sort());
    expect(storage.state.leases.size, 'the claims are given back').toBe(0);
  });

  test('with leases, one sweeps tickets while the other waits its turn; each warning fires once', async () => {
    const memory = (await import('../src/index.js')).memoryStorage();
    // An adapter with leases but without per-ticket claims.
    const { claimDueTickets: _claim, releaseDueTickets: _release, ...rest } = memory;
    const storage = { ...rest, state: memory.state };
    const { a, b, tickets, warnings } = await twoDesks(storage);
    const reports = await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
    expect(reports.map((report) => report.sweptTickets).sort()).toEqual([false, true]);
    expect(warnings.sort()).toEqual(tickets.map((ticket) => ticket.id).sort());
    expect(storage.state.leases.size, 'the lease is given back').toBe(0);
  });

  test('without leases both sweep, and ticket versions still keep each warning to one', async () => {
    const memory = (await import('../src/index.js')).memoryStorage();
    // An adapter without the optional lease methods.
    const {
      acquireLease: _acquire,
      releaseLease: _release,
      claimDueTickets: _claim,
      releaseDueTickets: _give,
      ...rest
    } = memory;
    const storage: StorageAdapter = { ...rest };
    const { a, b, tickets, warnings } = await twoDesks(storage);
    const reports = await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
    expect(reports.every((report) => report.sweptTickets)).toBe(true);
    expect(warnings.sort(), 'every ticket warned exactly once').toEqual(tickets.map((ticket) => ticket.id).sort());
    const total = reports.reduce((sum, report) => sum + report.tickets.warned, 0);
    expect(total).toBe(30);
    for (const ticket of tickets) {
      const history = await a.tickets.history(ticket.id, { actor: actors.root });
      expect(history.filter((event) => event.command === 'slaCheck')).toHaveLength(1);
    }
  });
});

describe('running the scheduler', () => {
  test('start() sweeps on a timer until stop(); desk.close() stops it too', async () => {
    const { desk, clock, ticket } = await deskWithPlan('running');
    const warned = new Promise<string>((resolve) => desk.on('sla.warning', ({ ticket: t }) => resolve(t.id)));
    clock.set('2026-03-02T09:46:00Z');
    desk.scheduler.start({ interval: '20ms' });
    expect(desk.scheduler.running).toBe(true);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no sweep in 5 s')), 5_000));
    expect(await Promise.race([warned, timeout])).toBe(ticket.id);
    await desk.scheduler.stop();
    expect(desk.scheduler.running).toBe(false);

    desk.scheduler.start({ interval: '1h' });
    await desk.close();
    expect(desk.scheduler.running).toBe(false);
  });

  test('desk.close() closes once: concurrent and later calls wait for the first and close nothing again', async () => {
    const closes: string[] = [];
    let release = () => {};
    // A storage whose close takes a while, so that the second call comes while the first is under way.
    const storage = memoryStorage();
    storage.close = () => {
      closes.push('storage');
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const desk = await createHelpDesk({ storage });
    desk.scheduler.start({ interval: '1h' });
    const first = desk.close().then(() => closes.push('first'));
    const second = desk.close().then(() => closes.push('second'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closes).toEqual(['storage']);
    release();
    await Promise.all([first, second]);
    await desk.close();
    expect(closes).toEqual(['storage', 'first', 'second']);
    expect(desk.scheduler.running).toBe(false);
  });

  test('runOnce calls made during a sweep wait for it and sweep again', async () => {
    const { desk, clock } = await deskWithPlan('running');
    clock.set('2026-03-02T09:46:00Z');
    const [first, second] = await Promise.all([desk.scheduler.runOnce(), desk.scheduler.runOnce()]);
    expect(first.tickets.warned + second.tickets.warned).toBe(1);
    expect(first.sweptTickets && second.sweptTickets).toBe(true);
  });

  test('bad start options are refused naming the field', async () => {
    const { desk } = await createTestDesk();
    for (const [options, field] of [
      [{ interval: 'soon' }, 'interval'],
      [{ interval: 5 }, 'interval'],
      [{ interval: '1m', every: '1m' }, 'every'],
    ] as const) {
      let error: unknown;
      try {
        desk.scheduler.start(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
      expect((error as { issues: { path: string[] }[] }).issues[0]?.path).toEqual([field]);
      expect(desk.scheduler.running).toBe(false);
    }
  });
});

test('a plan chosen by the policy follows the ticket when its custom fields change; one an agent chose stays', async () => {
  const { defaultSlaPolicy } = await import('../src/index.js');
  const base = defaultSlaPolicy();
  const { desk, open } = await createTestDesk({
    // Platinum customers get SEV A, everyone else SEV C.
    sla: { ...base, id: 'tiers', selectPlan: (ticket) => (ticket.fields.tier === 'platinum' ? 'running' : 'pausing') },
  });
  const ticket = await open({ fields: { tier: 'standard' } });
  expect(ticket.slaPlanId).toBe('pausing');
  const upgraded = await desk.tickets.update(ticket.id, { fields: { tier: 'platinum' } }, { actor: actors.ann });
  expect(upgraded).toMatchObject({ slaPlanId: 'running', firstResponseDueAt: '2026-03-02T10:00:00.000Z' });
  const other = await open({ fields: { tier: 'standard' } });
  await desk.tickets.update(other.id, { slaPlanId: 'running' }, { actor: actors.ann });
  const kept = await desk.tickets.update(other.id, { fields: { tier: 'gold' } }, { actor: actors.ann });
  expect(kept.slaPlanId, 'an agent chose it, over the policy’s SEV C').toBe('running');
});
