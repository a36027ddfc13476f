export { createLifecycle, INITIAL_LIFECYCLE_STATE, type Lifecycle, stateKey } from './lifecycle.js';
export {
  allLifecycleEvents,
  EVENT_FLAGS,
  LIFECYCLE_EVENT_TYPES,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecycleEventType,
  PRINCIPALS,
  type Principal,
} from './lifecycle-events.js';
export { type TicketMachine, ticketMachine } from './ticket-machine.js';
