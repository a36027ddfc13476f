import { getShortestPaths } from '@xstate/graph';
import { describe, expect, test } from 'vitest';
import {
  type Actor,
  allLifecycleEvents,
  type HelpDesk,
  isTicketkitError,
  type LifecycleEvent,
  type LifecycleState,
  type Principal,
  stateKey,
  type Ticket,
  ticketMachine,
} from '../src/index.js';
import { expectedNext } from './support/lifecycle-oracle.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * Model-based test of the service: for every lifecycle state the public API
 * can reach, and every event × principal the API can express, drive a fresh
 * ticket there through the API (along the shortest path xstate's graph
 * utilities find in the machine), send the event through the API, and compare
 * the outcome with the design (the oracle).
 */

const ACTOR_OF: Record<Principal, Actor> = {
  requester: actors.ken,
  agent: actors.ann,
  admin: actors.root,
  system: actors.system,
};

// The scheduler's events have no public command: scheduler tests drive them (sla-scheduler.test.ts).
const SCHEDULER_EVENTS = new Set([
  'SLA_WARNING',
  'SLA_BREACH',
  'SLA_OK',
  'SLA_PAUSE',
  'AUTO_CLOSE',
  'REMIND',
  'RESCHEDULE',
]);

/** Whether the public API can express this event, for a ticket whose SLA plan pauses (or not). */
function expressible(event: LifecycleEvent, pausing: boolean): boolean {
  if (SCHEDULER_EVENTS.has(event.type)) return false;
  // `reply` is a customer's message when the requester sends it and an agent's reply otherwise.
  if (event.type === 'AGENT_REPLY' && event.principal === 'requester') return false;
  if (event.type === 'CUSTOMER_REPLY' && event.principal !== 'requester') return false;
  if (event.type === 'REQUEST_INFO' && event.pausesSla !== pausing) return false;
  return true;
}

function send(desk: HelpDesk, ref: string, event: LifecycleEvent): Promise<Ticket> {
  const options = { actor: ACTOR_OF[event.principal] };
  const { tickets } = desk;
  switch (event.type) {
    case 'ASSIGN':
      return tickets.assign(ref, { agentId: 'ann' }, options);
    case 'UNASSIGN':
      return tickets.unassign(ref, {}, options);
    case 'TRANSFER':
      return tickets.transfer(
        ref,
        event.assigns ? { departmentId: 'help', agentId: 'bob' } : { departmentId: 'help' },
        options,
      );
    case 'START_WORK':
      return tickets.startWork(ref, {}, options);
    case 'AGENT_REPLY':
    case 'CUSTOMER_REPLY':
      return tickets.reply(ref, { body: 'A reply' }, options);
    case 'NOTE':
      return tickets.note(ref, { body: 'A note' }, options);
    case 'REQUEST_INFO':
      return tickets.requestInfo(ref, { body: 'Which app version?' }, options);
    case 'RESOLVE':
      return tickets.resolve(ref, { resolutionNote: 'Fixed' }, options);
    case 'CONFIRM_RESOLUTION':
      return tickets.confirmResolution(ref, { rating: 5 }, options);
    case 'CLOSE':
      return tickets.close(ref, { force: event.force }, options);
    case 'REOPEN':
      return tickets.reopen(ref, { reason: 'Still broken' }, options);
    case 'UPDATE':
      return tickets.update(ref, { priority: 'high' }, options);
    case 'FEEDBACK':
      return tickets.feedback(ref, { rating: 4, comment: 'Thanks' }, options);
    default:
      throw new Error(`not expressible: ${event.type}`);
  }
}

const stateOf = (ticket: Ticket): LifecycleState => ({
  status: ticket.status,
  assignment: ticket.assigneeId !== null || ticket.teamId !== null ? 'assigned' : 'unassigned',
  sla: ticket.slaState,
});

describe.each([
  { requireConfirmation: true, pausing: true },
  { requireConfirmation: true, pausing: false },
  { requireConfirmation: false, pausing: true },
])('the desk follows the lifecycle (%o)', ({ requireConfirmation, pausing }) => {
  const events = allLifecycleEvents().filter((event) => expressible(event, pausing));
  // Paths only use events inside the reopen window; the clock moves past it just before the event under test.
  const pathEvents = events.filter((event) => !('withinReopenWindow' in event) || event.withinReopenWindow);
  const paths = getShortestPaths(ticketMachine, { input: { requireConfirmation }, events: pathEvents });
  const everAllowed = (event: LifecycleEvent) =>
    paths.some((path) =>
      events.some(
        (other) =>
          other.type === event.type &&
          other.principal === event.principal &&
          expectedNext(path.state.value as LifecycleState, other, requireConfirmation) !== null,
      ),
    );

  test('the paths reach exactly the states the design reaches with the same commands', () => {
    const reached = new Set(paths.map((path) => stateKey(path.state.value as LifecycleState)));
    const expected = new Set<string>();
    const queue: LifecycleState[] = [paths[0]?.state.value as LifecycleState];
    for (let state = queue.shift(); state; state = queue.shift()) {
      if (expected.has(stateKey(state))) continue;
      expected.add(stateKey(state));
      for (const event of pathEvents) {
        const next = expectedNext(state, event, requireConfirmation);
        if (next) queue.push(next);
      }
    }
    expect([...reached].sort()).toEqual([...expected].sort());
    // Nine states: five statuses, assigned or not (in progress is always assigned); the SLA is paused while awaiting when the plan pauses.
    expect(reached.size).toBe(9);
    expect([...reached].filter((key) => key.includes('paused')).length).toBe(pausing ? 2 : 0);
  });

  test('every state × event × principal the API can express behaves as designed', { timeout: 120_000 }, async () => {
    const { desk, clock, open } = await createTestDesk({ lifecycle: { requireConfirmation } });
    let checked = 0;
    for (const path of paths) {
      const state = path.state.value as LifecycleState;
      for (const event of events) {
        const outsideWindow = 'withinReopenWindow' in event && !event.withinReopenWindow;
        if (outsideWindow && state.status !== 'closed') continue;
        clock.set('2026-03-02T09:00:00Z');
        const ticket = await open();
        await desk.tickets.update(ticket.id, { slaPlanId: pausing ? 'pausing' : 'running' }, { actor: actors.root });
        for (const step of path.steps.slice(1)) await send(desk, ticket.id, step.event);
        const before = await desk.tickets.get(ticket.id, { actor: actors.root });
        expect(stateOf(before), 'the path reaches its state').toEqual(state);
        if (outsideWindow) clock.advance('31d');

        const label = `${stateKey(state)} + ${JSON.stringify(event)}`;
        const expected = expectedNext(state, event, requireConfirmation);
        const outcome = await send(desk, ticket.id, event).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        checked++;
        if ('result' in outcome) {
          if (expected === null && event.type === 'CUSTOMER_REPLY') {
            // Past the reopen window the reply opens a follow-up ticket instead.
            expect(outcome.result.followUpOf, label).toBe(ticket.id);
            expect(outcome.result.status, label).toBe('open');
          } else {
            expect(expected, `${label} was accepted but the design refuses it`).not.toBeNull();
            expect(stateOf(outcome.result), label).toEqual(expected);
          }
          continue;
        }
        expect(expected, `${label} was refused (${String(outcome.error)}) but the design accepts it`).toBeNull();
        const code = expectedNext(state, event, false)
          ? 'CONFIRMATION_REQUIRED'
          : everAllowed(event)
            ? 'INVALID_TRANSITION'
            : 'FORBIDDEN';
        expect(isTicketkitError(outcome.error, code), `${label}: expected ${code}, got ${String(outcome.error)}`).toBe(
          true,
        );
        const after = await desk.tickets.get(ticket.id, { actor: actors.root });
        expect(after.version, `${label} left the ticket unchanged`).toBe(before.version);
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
