import { initialTransition, transition } from 'xstate';
import type { LifecycleState } from '../schemas/audit.js';
import {
  allLifecycleEvents,
  EVENT_FLAGS,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecycleEventType,
  type Principal,
} from './lifecycle-events.js';
import { ticketMachine } from './ticket-machine.js';

/** The state every new ticket starts in, read off the machine's initial snapshot. */
export const INITIAL_LIFECYCLE_STATE: LifecycleState = Object.freeze({
  ...(initialTransition(ticketMachine, {})[0].value as LifecycleState),
});

/**
 * The lifecycle of one desk: {@link ticketMachine} with the desk's settings,
 * asked as a pure function. Answers are memoized: every guard input is in the
 * (finite) state, event and settings, so each distinct question is put to the
 * machine once per process.
 */
export interface Lifecycle {
  /** The desk settings the guards read. */
  readonly context: LifecycleContext;
  /** The next state if the machine accepts `event` in `state`, else `null`. */
  next(state: LifecycleState, event: LifecycleEvent): LifecycleState | null;
  /** The event types `principal` may send in `state` (with any combination of flags). */
  allowedEvents(state: LifecycleState, principal: Principal): LifecycleEventType[];
  /** Whether `principal` may send `type` in some reachable state; `false` means the event is never theirs to send. */
  everAllowed(type: LifecycleEventType, principal: Principal): boolean;
  /** Every state reachable from the initial state. */
  reachableStates(): LifecycleState[];
}

/** A stable key for a lifecycle state. */
export function stateKey(state: LifecycleState): string {
  return `${state.status}|${state.assignment}|${state.sla}`;
}

const FLAGS = EVENT_FLAGS as Partial<Record<LifecycleEventType, readonly string[]>>;

function eventKey(event: LifecycleEvent): string {
  // Each event type has a fixed list of boolean flags; anything else on the event is not a guard input.
  let key = `${event.type}|${event.principal}`;
  for (const name of FLAGS[event.type] ?? []) key += (event as unknown as Record<string, boolean>)[name] ? '|1' : '|0';
  return key;
}

/** Creates the {@link Lifecycle} for a desk's settings. */
export function createLifecycle(context: LifecycleContext): Lifecycle {
  const answers = new Map<string, LifecycleState | null>();
  const everyEvent = allLifecycleEvents();
  let reachable: LifecycleState[] | undefined;
  let capabilities: Map<string, boolean> | undefined;

  function next(state: LifecycleState, event: LifecycleEvent): LifecycleState | null {
    const key = `${stateKey(state)}#${eventKey(event)}`;
    const known = answers.get(key);
    if (known !== undefined) return known;
    const snapshot = ticketMachine.resolveState({ value: { ...state }, context });
    let answer: LifecycleState | null = null;
    // `snapshot.can()` ignores transitions that neither change state nor run actions, but a note on an
    // open ticket is an accepted event that stays put, so ask for the enabled transitions themselves.
    if (ticketMachine.getTransitionData(snapshot, event).length > 0) {
      const [after] = transition(ticketMachine, snapshot, event);
      answer = Object.freeze({ ...(after.value as LifecycleState) });
    }
    answers.set(key, answer);
    return answer;
  }

  function reachableStates(): LifecycleState[] {
    if (reachable) return reachable;
    const seen = new Map<string, LifecycleState>([[stateKey(INITIAL_LIFECYCLE_STATE), INITIAL_LIFECYCLE_STATE]]);
    const queue = [INITIAL_LIFECYCLE_STATE];
    for (let state = queue.shift(); state; state = queue.shift()) {
      for (const event of everyEvent) {
        const after = next(state, event);
        if (after && !seen.has(stateKey(after))) {
          seen.set(stateKey(after), after);
          queue.push(after);
        }
      }
    }
    reachable = [...seen.values()];
    return reachable;
  }

  return {
    context,
    next,
    reachableStates,
    allowedEvents(state, principal) {
      const allowed = new Set<LifecycleEventType>();
      for (const event of everyEvent) {
        if (event.principal === principal && next(state, event)) allowed.add(event.type);
      }
      return [...allowed];
    },
    everAllowed(type, principal) {
      if (!capabilities) {
        capabilities = new Map();
        for (const state of reachableStates()) {
          for (const event of everyEvent) {
            if (next(state, event)) capabilities.set(`${event.type}|${event.principal}`, true);
          }
        }
      }
      return capabilities.get(`${type}|${principal}`) === true;
    },
  };
}
