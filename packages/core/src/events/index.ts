export { createEventBus, type EventBus, type ListenerErrorHandler } from './event-bus.js';
export type {
  SlaTarget,
  TicketEventBase,
  TicketkitEventName,
  TicketkitEvents,
  TicketkitListener,
  TicketPlacement,
} from './event-map.js';
