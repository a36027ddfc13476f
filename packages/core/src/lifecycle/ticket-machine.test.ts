import { getAdjacencyMap } from '@xstate/graph';
import { describe, expect, test } from 'vitest';
import { expectedNext, invariantViolations } from '../../test/support/lifecycle-oracle.js';
import type { LifecycleState } from '../schemas/audit.js';
import { createLifecycle, INITIAL_LIFECYCLE_STATE, stateKey } from './lifecycle.js';
import { allLifecycleEvents, LIFECYCLE_EVENT_TYPES, type LifecycleEvent, PRINCIPALS } from './lifecycle-events.js';
import { ticketMachine } from './ticket-machine.js';

const everyEvent = allLifecycleEvents();

/** Every state the oracle can reach from the initial state. */
function oracleReachable(requireConfirmation: boolean): Map<string, LifecycleState> {
  const seen = new Map([[stateKey(INITIAL_LIFECYCLE_STATE), INITIAL_LIFECYCLE_STATE]]);
  const queue = [INITIAL_LIFECYCLE_STATE];
  for (let state = queue.shift(); state; state = queue.shift()) {
    for (const event of everyEvent) {
      const next = expectedNext(state, event, requireConfirmation);
      if (next && !seen.has(stateKey(next))) {
        seen.set(stateKey(next), next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe.each([true, false])('the ticket machine (requireConfirmation: %s)', (requireConfirmation) => {
  // xstate's graph utilities walk the machine itself: every state reachable with every event variant.
  const adjacency = getAdjacencyMap(ticketMachine, { input: { requireConfirmation }, events: everyEvent });
  const graphStates = new Map(
    Object.values(adjacency).map(({ state }) => {
      const value = state.value as LifecycleState;
      return [stateKey(value), value] as const;
    }),
  );
  const lifecycle = createLifecycle({ requireConfirmation });

  test('enumerates every event type for every principal', () => {
    for (const type of LIFECYCLE_EVENT_TYPES) {
      for (const principal of PRINCIPALS) {
        expect(everyEvent.some((event) => event.type === type && event.principal === principal)).toBe(true);
      }
    }
  });

  test('reaches exactly the states the design allows, and no forbidden one', () => {
    expect([...graphStates.keys()].sort()).toEqual([...oracleReachable(requireConfirmation).keys()].sort());
    for (const state of graphStates.values()) expect(invariantViolations(state), stateKey(state)).toEqual([]);
    // Sanity: the walk is not trivially small.
    expect(graphStates.size).toBeGreaterThan(20);
  });

  test('accepts and refuses every state × event × principal as the design says', () => {
    let accepted = 0;
    let refused = 0;
    for (const state of graphStates.values()) {
      for (const event of everyEvent) {
        const expected = expectedNext(state, event, requireConfirmation);
        const actual = lifecycle.next(state, event);
        expect(actual, `${stateKey(state)} + ${JSON.stringify(event)}`).toEqual(expected);
        if (expected) accepted++;
        else refused++;
      }
    }
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(1000);
  });

  test("the graph's transitions agree with the memoized lifecycle", () => {
    for (const { state, transitions } of Object.values(adjacency)) {
      const from = state.value as LifecycleState;
      for (const { event, state: after } of Object.values(transitions) as {
        event: LifecycleEvent;
        state: { value: unknown };
      }[]) {
        const next = lifecycle.next(from, event);
        // A refused event leaves the snapshot where it was.
        expect(after.value, `${stateKey(from)} + ${JSON.stringify(event)}`).toEqual(next ?? from);
      }
    }
  });

  test('lists the events allowed now per principal, as the design says', () => {
    for (const state of graphStates.values()) {
      for (const principal of PRINCIPALS) {
        const expected = new Set(
          everyEvent
            .filter((event) => event.principal === principal && expectedNext(state, event, requireConfirmation))
            .map((event) => event.type),
        );
        expect(new Set(lifecycle.allowedEvents(state, principal)), `${stateKey(state)} for ${principal}`).toEqual(
          expected,
        );
      }
    }
  });
});

test('a customer never sends staff events, and the system never speaks for people', () => {
  const lifecycle = createLifecycle({ requireConfirmation: true });
  for (const type of ['NOTE', 'ASSIGN', 'RESOLVE', 'CLOSE', 'UPDATE', 'SLA_BREACH'] as const) {
    expect(lifecycle.everAllowed(type, 'requester'), type).toBe(false);
  }
  for (const type of ['AGENT_REPLY', 'CUSTOMER_REPLY', 'RESOLVE', 'CONFIRM_RESOLUTION', 'REOPEN'] as const) {
    expect(lifecycle.everAllowed(type, 'system'), type).toBe(false);
  }
  expect(lifecycle.everAllowed('CLOSE', 'agent')).toBe(false);
  expect(createLifecycle({ requireConfirmation: false }).everAllowed('CLOSE', 'agent')).toBe(true);
});
