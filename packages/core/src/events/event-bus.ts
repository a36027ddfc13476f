import { EventEmitter } from 'eventemitter3';
import type { TicketkitEventName, TicketkitEvents, TicketkitListener } from './event-map.js';

/** Receives errors thrown by listeners and hooks, which never reach the command that triggered them. */
export type ListenerErrorHandler = (error: unknown, context: { event: string }) => void;

/** The typed event bus behind `desk.on()`. */
export interface EventBus {
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<E extends TicketkitEventName>(event: E, listener: TicketkitListener<E>): () => void;
  /** Subscribes for one delivery; returns a function that unsubscribes. */
  once<E extends TicketkitEventName>(event: E, listener: TicketkitListener<E>): () => void;
  /** Delivers an event to its listeners. Never throws. */
  emit<E extends TicketkitEventName>(event: E, payload: TicketkitEvents[E]): void;
  /** Whether anyone listens to an event: lets a command skip building payloads nobody reads. */
  has(event: TicketkitEventName): boolean;
  /** Removes every listener. */
  clear(): void;
}

/** Creates an {@link EventBus} whose listener failures go to `onError`. */
export function createEventBus(onError: ListenerErrorHandler): EventBus {
  const emitter = new EventEmitter();

  function shield<E extends TicketkitEventName>(event: E, listener: TicketkitListener<E>) {
    return (payload: TicketkitEvents[E]) => {
      try {
        const result = listener(payload);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (error: unknown) => onError(error, { event }));
        }
      } catch (error) {
        onError(error, { event });
      }
    };
  }

  return {
    on(event, listener) {
      const wrapped = shield(event, listener);
      emitter.on(event, wrapped);
      return () => emitter.off(event, wrapped);
    },
    once(event, listener) {
      const wrapped = shield(event, listener);
      emitter.once(event, wrapped);
      return () => emitter.off(event, wrapped);
    },
    emit(event, payload) {
      emitter.emit(event, payload);
    },
    has(event) {
      return emitter.listenerCount(event) > 0;
    },
    clear() {
      emitter.removeAllListeners();
    },
  };
}
