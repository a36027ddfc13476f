import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  type Actor,
  type HelpDesk,
  isTicketkitError,
  type LifecycleEvent,
  type LifecycleState,
  type ManualClock,
  type Principal,
  type Ticket,
} from '../src/index.js';
import { expectedNext, invariantViolations } from './support/lifecycle-oracle.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * Property: random sequences of commands by random actors, checked step by
 * step against a small model (the design's transition table and a clock).
 * No sequence drives a ticket into a state the lifecycle forbids, every
 * refusal leaves the ticket untouched, and the audit history always replays
 * through the machine to the ticket's current state.
 */

interface Model {
  state: LifecycleState;
  now: number;
  closedAt: number | null;
  accepted: number;
}

interface Real {
  desk: HelpDesk;
  clock: ManualClock;
  ticket: Ticket;
  pausing: boolean;
  requireConfirmation: boolean;
}

const REOPEN_WINDOW_MS = 30 * 86_400_000;
const ACTOR_OF: Record<Principal, Actor> = {
  requester: actors.ken,
  agent: actors.ann,
  admin: actors.root,
  system: actors.system,
};
const KINDS = [
  'assign',
  'unassign',
  'transferAssigning',
  'transferClearing',
  'startWork',
  'reply',
  'note',
  'requestInfo',
  'resolve',
  'confirm',
  'close',
  'forceClose',
  'reopen',
  'update',
] as const;
type Kind = (typeof KINDS)[number];

const stateOf = (ticket: Ticket): LifecycleState => ({
  status: ticket.status,
  assignment: ticket.assigneeId !== null || ticket.teamId !== null ? 'assigned' : 'unassigned',
  sla: ticket.slaState,
});

/** The lifecycle event the service will send for this command, given what the model knows. */
function eventFor(kind: Kind, principal: Principal, model: Model, real: Real): LifecycleEvent {
  const withinReopenWindow = model.closedAt === null || model.now - model.closedAt <= REOPEN_WINDOW_MS;
  switch (kind) {
    case 'assign':
      return { type: 'ASSIGN', principal };
    case 'unassign':
      return { type: 'UNASSIGN', principal };
    case 'transferAssigning':
      return { type: 'TRANSFER', principal, assigns: true };
    case 'transferClearing':
      return { type: 'TRANSFER', principal, assigns: false };
    case 'startWork':
      return { type: 'START_WORK', principal };
    case 'reply':
      return principal === 'requester'
        ? { type: 'CUSTOMER_REPLY', principal, withinReopenWindow }
        : { type: 'AGENT_REPLY', principal };
    case 'note':
      return { type: 'NOTE', principal };
    case 'requestInfo':
      return { type: 'REQUEST_INFO', principal, pausesSla: real.pausing };
    case 'resolve':
      return { type: 'RESOLVE', principal };
    case 'confirm':
      return { type: 'CONFIRM_RESOLUTION', principal };
    case 'close':
      return { type: 'CLOSE', principal, force: false };
    case 'forceClose':
      return { type: 'CLOSE', principal, force: true };
    case 'reopen':
      return { type: 'REOPEN', principal, withinReopenWindow };
    case 'update':
      return { type: 'UPDATE', principal };
  }
}

function call(kind: Kind, principal: Principal, { desk, ticket }: Real): Promise<Ticket> {
  const ref = ticket.number;
  const options = { actor: ACTOR_OF[principal] };
  const t = desk.tickets;
  switch (kind) {
    case 'assign':
      return t.assign(ref, { agentId: 'bob' }, options);
    case 'unassign':
      return t.unassign(ref, {}, options);
    case 'transferAssigning':
      return t.transfer(ref, { departmentId: 'help', teamId: 'help-team' }, options);
    case 'transferClearing':
      return t.transfer(ref, { departmentId: 'help', note: 'Back to the pool' }, options);
    case 'startWork':
      return t.startWork(ref, {}, options);
    case 'reply':
      return t.reply(ref, { body: 'Any news?' }, options);
    case 'note':
      return t.note(ref, { body: 'Looked at logs' }, options);
    case 'requestInfo':
      return t.requestInfo(ref, { body: 'Which device?' }, options);
    case 'resolve':
      return t.resolve(ref, { resolutionNote: 'Reset the token', body: 'Fixed, please confirm' }, options);
    case 'confirm':
      return t.confirmResolution(ref, { rating: 4, comment: 'Thanks' }, options);
    case 'close':
      return t.close(ref, {}, options);
    case 'forceClose':
      return t.close(ref, { force: true }, options);
    case 'reopen':
      return t.reopen(ref, { reason: 'It happened again' }, options);
    case 'update':
      return t.update(ref, { priority: 'high' }, options);
  }
}

class TicketCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: Kind,
    readonly principal: Principal,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, real: Real): Promise<void> {
    const event = eventFor(this.kind, this.principal, model, real);
    const expected = expectedNext(model.state, event, real.requireConfirmation);
    const before = await real.desk.tickets.get(real.ticket.id, { actor: actors.root });
    const outcome = await call(this.kind, this.principal, real).then(
      (ticket) => ({ ticket }),
      (error: unknown) => ({ error }),
    );
    const after = await real.desk.tickets.get(real.ticket.id, { actor: actors.root });

    if ('error' in outcome) {
      expect(expected, `${this} was refused (${String(outcome.error)})`).toBeNull();
      const known = ['FORBIDDEN', 'INVALID_TRANSITION', 'CONFIRMATION_REQUIRED'] as const;
      expect(
        known.some((code) => isTicketkitError(outcome.error, code)),
        String(outcome.error),
      ).toBe(true);
      expect(after).toEqual(before);
    } else if (expected === null) {
      // The only refused event the service carries out another way: a late customer reply starts a follow-up.
      expect(event.type, `${this} was accepted but the design refuses it`).toBe('CUSTOMER_REPLY');
      expect(outcome.ticket.followUpOf).toBe(real.ticket.id);
      expect(after).toEqual(before);
    } else {
      expect(stateOf(after), String(this)).toEqual(expected);
      expect(after.version).toBe(before.version + 1);
      model.accepted += 1;
      if (expected.status === 'closed' && model.state.status !== 'closed') model.closedAt = model.now;
      if (expected.status !== 'closed') model.closedAt = null;
      model.state = expected;
    }
    expect(invariantViolations(stateOf(after))).toEqual([]);
    const instant = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    expect(after.closedAt, 'closedAt follows the last close').toBe(instant(model.closedAt));
    expect(after.resolvedAt === null, 'resolvedAt is set while resolved or closed').toBe(
      model.state.status !== 'resolved' && model.state.status !== 'closed',
    );
  }

  toString(): string {
    return `${this.kind} by ${this.principal}`;
  }
}

class AdvanceClock implements fc.AsyncCommand<Model, Real> {
  constructor(readonly days: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    real.clock.advance(this.days * 86_400_000);
    model.now += this.days * 86_400_000;
  }
  toString(): string {
    return `advance ${this.days}d`;
  }
}

async function expectHistoryReplays(real: Real, model: Model): Promise<void> {
  const ticket = await real.desk.tickets.get(real.ticket.id, { actor: actors.root });
  const history = await real.desk.tickets.history(real.ticket.id, { actor: actors.root });
  // open, the SLA plan update of the setup, then one entry per accepted command.
  expect(history.length).toBe(2 + model.accepted);
  let state: LifecycleState | null = null;
  history.forEach((entry, index) => {
    expect(entry.version).toBe(index + 1);
    if (entry.command === 'open') {
      expect(entry.from).toBeNull();
    } else {
      expect(entry.from).toEqual(state);
      expect(entry.event).not.toBeNull();
      expect(real.desk.lifecycle.next(entry.from as LifecycleState, entry.event as LifecycleEvent)).toEqual(entry.to);
    }
    state = entry.to;
  });
  expect(state).toEqual(stateOf(ticket));
  expect(state).toEqual(model.state);
}

const commands = fc.commands(
  [
    fc
      .tuple(fc.constantFrom(...KINDS), fc.constantFrom<Principal>('requester', 'agent', 'admin', 'system'))
      .map(([kind, principal]) => new TicketCommand(kind, principal)),
    // Agents do most of the work on real desks; weight them up so sequences get far.
    fc.constantFrom(...KINDS).map((kind) => new TicketCommand(kind, 'agent')),
    fc.constantFrom<Kind>('reply', 'confirm', 'reopen').map((kind) => new TicketCommand(kind, 'requester')),
    fc.integer({ min: 1, max: 40 }).map((days) => new AdvanceClock(days)),
  ],
  { maxCommands: 40 },
);

test('no command sequence breaks the lifecycle, and the history always replays', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.boolean(), commands, async (pausing, requireConfirmation, sequence) => {
      const { desk, clock, open } = await createTestDesk({ lifecycle: { requireConfirmation } });
      const ticket = await open();
      await desk.tickets.update(ticket.id, { slaPlanId: pausing ? 'pausing' : 'running' }, { actor: actors.root });
      const model: Model = { state: stateOf(ticket), now: clock.now().getTime(), closedAt: null, accepted: 0 };
      const real: Real = { desk, clock, ticket, pausing, requireConfirmation };
      await fc.asyncModelRun(() => ({ model, real }), sequence);
      await expectHistoryReplays(real, model);
    }),
    { numRuns: 150 },
  );
});
