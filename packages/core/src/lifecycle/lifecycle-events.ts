import type { SlaTarget } from '../events/event-map.js';

/**
 * Who sends a lifecycle event, relative to the ticket: its `requester`
 * (the customer it belongs to), an `agent`, an `admin`, or the `system`.
 */
export type Principal = 'requester' | 'agent' | 'admin' | 'system';

/** Every principal, in the order the docs list them. */
export const PRINCIPALS = ['requester', 'agent', 'admin', 'system'] as const satisfies readonly Principal[];

/**
 * The events of the lifecycle statechart. Each carries the acting principal
 * and, where a guard needs one, a fact the service establishes before asking
 * the machine (is the reopen window still open? does the plan pause?). Keeping
 * every guard input in the event makes the machine a pure function of
 * (state, event, `requireConfirmation`), which is what lets the service
 * memoize it and the tests enumerate it.
 */
export type LifecycleEvent =
  | { type: 'ASSIGN'; principal: Principal }
  | { type: 'UNASSIGN'; principal: Principal }
  /** `assigns`: an agent or team holds the ticket after the transfer. */
  | { type: 'TRANSFER'; principal: Principal; assigns: boolean }
  | { type: 'START_WORK'; principal: Principal }
  | { type: 'AGENT_REPLY'; principal: Principal }
  /** `withinReopenWindow`: for a closed ticket, whether it closed less than `reopenWindow` ago. */
  | { type: 'CUSTOMER_REPLY'; principal: Principal; withinReopenWindow: boolean }
  | { type: 'NOTE'; principal: Principal }
  /** `pausesSla`: the ticket's SLA plan stops the clock while awaiting the customer. */
  | { type: 'REQUEST_INFO'; principal: Principal; pausesSla: boolean }
  | { type: 'RESOLVE'; principal: Principal }
  | { type: 'CONFIRM_RESOLUTION'; principal: Principal }
  /** `force`: close without the customer's confirmation (admins only). */
  | { type: 'CLOSE'; principal: Principal; force: boolean }
  | { type: 'REOPEN'; principal: Principal; withinReopenWindow: boolean }
  | { type: 'UPDATE'; principal: Principal }
  /** The customer rates a closed ticket (after it closed without their confirmation). */
  | { type: 'FEEDBACK'; principal: Principal }
  /** The scheduler reminds a customer who has not answered. */
  | { type: 'REMIND'; principal: Principal }
  /**
   * The scheduler found nothing due on a ticket it was told to look at (a
   * plan, calendar or desk setting changed since): it only works out the
   * ticket's due times and next check again.
   */
  | { type: 'RESCHEDULE'; principal: Principal }
  /** The scheduler moves the `sla` region to `at_risk`. */
  | ({ type: 'SLA_WARNING'; principal: Principal } & SlaCrossings)
  /** The scheduler moves the `sla` region to `breached`. */
  | ({ type: 'SLA_BREACH'; principal: Principal } & SlaCrossings)
  /** The scheduler moves the `sla` region back to `on_track` (a target was met, or a plan change moved it). */
  | ({ type: 'SLA_OK'; principal: Principal } & SlaCrossings)
  /** The scheduler stops the clock of a ticket awaiting the customer (its plan now pauses). */
  | ({ type: 'SLA_PAUSE'; principal: Principal } & SlaCrossings)
  | { type: 'AUTO_CLOSE'; principal: Principal };

/**
 * What an SLA event records besides the region's new state: the targets that
 * crossed their warning or due time with it. Not guard inputs — the history
 * keeps them so each target warns and breaches once.
 */
export interface SlaCrossings {
  /** Targets that became at risk with this event. */
  warned?: SlaTarget[];
  /** Targets that were missed with this event. */
  breached?: SlaTarget[];
}

/** The type of a {@link LifecycleEvent}. */
export type LifecycleEventType = LifecycleEvent['type'];

/** Every lifecycle event type. */
export const LIFECYCLE_EVENT_TYPES = [
  'ASSIGN',
  'UNASSIGN',
  'TRANSFER',
  'START_WORK',
  'AGENT_REPLY',
  'CUSTOMER_REPLY',
  'NOTE',
  'REQUEST_INFO',
  'RESOLVE',
  'CONFIRM_RESOLUTION',
  'CLOSE',
  'REOPEN',
  'UPDATE',
  'FEEDBACK',
  'REMIND',
  'RESCHEDULE',
  'SLA_WARNING',
  'SLA_BREACH',
  'SLA_OK',
  'SLA_PAUSE',
  'AUTO_CLOSE',
] as const satisfies readonly LifecycleEventType[];

/** The boolean facts each event type carries besides its principal. */
export const EVENT_FLAGS = {
  TRANSFER: ['assigns'],
  CUSTOMER_REPLY: ['withinReopenWindow'],
  REQUEST_INFO: ['pausesSla'],
  CLOSE: ['force'],
  REOPEN: ['withinReopenWindow'],
} as const satisfies Partial<Record<LifecycleEventType, readonly string[]>>;

/** Static settings of the lifecycle that guards read: the desk's `lifecycle` options. */
export interface LifecycleContext {
  /** Whether an agent's `close` needs the customer's confirmation first. */
  requireConfirmation: boolean;
}

/**
 * Every concrete event: each type × principal × combination of its flags.
 * Model-based tests and the "allowed events" list walk this.
 */
export function allLifecycleEvents(): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (const type of LIFECYCLE_EVENT_TYPES) {
    const flags: readonly string[] =
      (EVENT_FLAGS as Partial<Record<LifecycleEventType, readonly string[]>>)[type] ?? [];
    for (const principal of PRINCIPALS) {
      for (let mask = 0; mask < 1 << flags.length; mask++) {
        const event: Record<string, unknown> = { type, principal };
        flags.forEach((flag, index) => {
          event[flag] = (mask & (1 << index)) !== 0;
        });
        events.push(event as LifecycleEvent);
      }
    }
  }
  return events;
}
