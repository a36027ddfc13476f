import { and, not, or, setup, stateIn } from 'xstate';
import type { LifecycleContext, LifecycleEvent } from './lifecycle-events.js';

const isAssigned = stateIn({ assignment: 'assigned' });
const isClosed = stateIn({ status: 'closed' });
const isAwaitingCustomer = stateIn({ status: 'awaiting_customer' });
const isInWorkState = or([stateIn({ status: 'open' }), stateIn({ status: 'in_progress' })]);
// The SLA clock runs until the ticket is resolved.
const isSlaRunning = not(or([stateIn({ status: 'resolved' }), isClosed]));

// What `open` and `in_progress` have in common: agents ask, answer, note, update and resolve; the customer writes.
const workStateTransitions = {
  RESCHEDULE: { guard: 'bySystem' },
  REQUEST_INFO: { guard: 'byAgent', target: 'awaiting_customer' },
  RESOLVE: { guard: 'byAgent', target: 'resolved' },
  AGENT_REPLY: { guard: 'byAgent' },
  CUSTOMER_REPLY: { guard: 'byRequester' },
  NOTE: { guard: 'byStaff' },
  UPDATE: { guard: 'byAgent' },
} as const;

/**
 * The lifecycle statechart of every ticket (DESIGN §2), with three parallel
 * regions: `status`, `assignment` and `sla`.
 *
 * It is used as a pure transition function over persisted state — the service
 * rebuilds a snapshot from the stored ticket, asks for the next one, persists
 * it — so there is no live actor per ticket and no side effect in here. It is
 * the single source of which event is allowed in which state for which
 * principal: the service never re-implements those rules.
 *
 * Work states: a customer's reply or a reopen returns the ticket to
 * `in_progress` when an agent or team holds it, else to `open`.
 */
export const ticketMachine = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as Partial<LifecycleContext> | undefined,
  },
  guards: {
    byRequester: ({ event }) => event.principal === 'requester',
    byAgent: ({ event }) => event.principal === 'agent' || event.principal === 'admin',
    byStaff: ({ event }) => event.principal !== 'requester',
    byRequesterOrAgent: ({ event }) => event.principal !== 'system',
    bySystem: ({ event }) => event.principal === 'system',
    isAssigned,
    isNotClosed: not(isClosed),
    isInWorkState,
    isSlaRunning,
    isAwaitingCustomer,
    transferAssigns: ({ event }) => event.type === 'TRANSFER' && event.assigns,
    pausesSla: ({ event }) => event.type === 'REQUEST_INFO' && event.pausesSla,
    withinReopenWindow: ({ event }) =>
      (event.type === 'REOPEN' || event.type === 'CUSTOMER_REPLY') && event.withinReopenWindow,
    /** Agents may close without confirmation only when the desk does not require it; admins may force. */
    closeAllowed: ({ context, event }) => {
      if (event.type !== 'CLOSE') return false;
      if (event.principal === 'admin') return !context.requireConfirmation || event.force;
      return event.principal === 'agent' && !context.requireConfirmation;
    },
  },
}).createMachine({
  id: 'ticket',
  type: 'parallel',
  /** Seeds the context from the desk's lifecycle settings; confirmation is required unless the input turns it off. */
  context: ({ input }) => ({ requireConfirmation: input?.requireConfirmation ?? true }),
  states: {
    status: {
      initial: 'open',
      states: {
        open: {
          on: {
            ...workStateTransitions,
            START_WORK: { guard: and(['byAgent', 'isAssigned']), target: 'in_progress' },
          },
        },
        in_progress: {
          on: {
            ...workStateTransitions,
            START_WORK: { guard: and(['byAgent', 'isAssigned']) },
            // Work is only in progress while someone holds the ticket.
            UNASSIGN: { guard: and(['byStaff', 'isAssigned']), target: 'open' },
            TRANSFER: { guard: and(['byStaff', not('transferAssigns')]), target: 'open' },
          },
        },
        awaiting_customer: {
          on: {
            CUSTOMER_REPLY: [
              { guard: and(['byRequester', 'isAssigned']), target: 'in_progress' },
              { guard: 'byRequester', target: 'open' },
            ],
            START_WORK: { guard: and(['byAgent', 'isAssigned']), target: 'in_progress' },
            RESOLVE: { guard: 'byAgent', target: 'resolved' },
            REQUEST_INFO: { guard: 'byAgent' },
            AGENT_REPLY: { guard: 'byAgent' },
            NOTE: { guard: 'byStaff' },
            UPDATE: { guard: 'byAgent' },
            REMIND: { guard: 'bySystem' },
            RESCHEDULE: { guard: 'bySystem' },
          },
        },
        resolved: {
          on: {
            CONFIRM_RESOLUTION: { guard: 'byRequester', target: 'closed' },
            CLOSE: { guard: 'closeAllowed', target: 'closed' },
            AUTO_CLOSE: { guard: 'bySystem', target: 'closed' },
            RESCHEDULE: { guard: 'bySystem' },
            CUSTOMER_REPLY: [
              { guard: and(['byRequester', 'isAssigned']), target: 'in_progress' },
              { guard: 'byRequester', target: 'open' },
            ],
            REOPEN: [
              { guard: and(['byRequesterOrAgent', 'isAssigned']), target: 'in_progress' },
              { guard: 'byRequesterOrAgent', target: 'open' },
            ],
            AGENT_REPLY: { guard: 'byAgent' },
            NOTE: { guard: 'byStaff' },
            UPDATE: { guard: 'byAgent' },
          },
        },
        closed: {
          on: {
            // Customers may reopen within the reopen window; agents and admins at any time.
            REOPEN: [
              {
                guard: and([or([and(['byRequester', 'withinReopenWindow']), 'byAgent']), 'isAssigned']),
                target: 'in_progress',
              },
              { guard: or([and(['byRequester', 'withinReopenWindow']), 'byAgent']), target: 'open' },
            ],
            // Later, the service opens a follow-up ticket instead (the machine refuses the reply here).
            CUSTOMER_REPLY: [
              { guard: and(['byRequester', 'withinReopenWindow', 'isAssigned']), target: 'in_progress' },
              { guard: and(['byRequester', 'withinReopenWindow']), target: 'open' },
            ],
            NOTE: { guard: 'byStaff' },
            // Closing asks for feedback; a customer who did not confirm may still give it.
            FEEDBACK: { guard: 'byRequester' },
            RESCHEDULE: { guard: 'bySystem' },
          },
        },
      },
    },
    assignment: {
      initial: 'unassigned',
      states: {
        unassigned: {
          on: {
            ASSIGN: { guard: and(['byStaff', 'isNotClosed']), target: 'assigned' },
            TRANSFER: [
              { guard: and(['byStaff', 'isNotClosed', 'transferAssigns']), target: 'assigned' },
              { guard: and(['byStaff', 'isNotClosed']) },
            ],
          },
        },
        assigned: {
          on: {
            ASSIGN: { guard: and(['byStaff', 'isNotClosed']) },
            UNASSIGN: { guard: and(['byStaff', 'isNotClosed']), target: 'unassigned' },
            TRANSFER: [
              { guard: and(['byStaff', 'isNotClosed', 'transferAssigns']) },
              { guard: and(['byStaff', 'isNotClosed']), target: 'unassigned' },
            ],
          },
        },
      },
    },
    // The scheduler keeps this region where the SLA policy says the ticket stands, while the clock can run
    // (not resolved or closed: the state a ticket was resolved in stays, as a record). Each SLA_* event names
    // the state it leads to; staying in at_risk or breached records a second target's crossing.
    sla: {
      initial: 'on_track',
      states: {
        on_track: {
          on: {
            SLA_WARNING: { guard: and(['bySystem', 'isSlaRunning']), target: 'at_risk' },
            SLA_BREACH: { guard: and(['bySystem', 'isSlaRunning']), target: 'breached' },
            SLA_PAUSE: { guard: and(['bySystem', 'isAwaitingCustomer']), target: 'paused' },
            REQUEST_INFO: { guard: and(['byAgent', 'isInWorkState', 'pausesSla']), target: 'paused' },
          },
        },
        at_risk: {
          on: {
            SLA_WARNING: { guard: and(['bySystem', 'isSlaRunning']) },
            SLA_BREACH: { guard: and(['bySystem', 'isSlaRunning']), target: 'breached' },
            SLA_OK: { guard: and(['bySystem', 'isSlaRunning']), target: 'on_track' },
            SLA_PAUSE: { guard: and(['bySystem', 'isAwaitingCustomer']), target: 'paused' },
            REQUEST_INFO: { guard: and(['byAgent', 'isInWorkState', 'pausesSla']), target: 'paused' },
            // Resolved in time: the risk is over. (A breach stays on record when resolving.)
            RESOLVE: { guard: and(['byAgent', 'isSlaRunning']), target: 'on_track' },
          },
        },
        // A missed target stays missed; the region leaves `breached` only when the policy says no active
        // target is past due any more (the late one was met, or a plan change moved its due time).
        breached: {
          on: {
            SLA_BREACH: { guard: and(['bySystem', 'isSlaRunning']) },
            SLA_WARNING: { guard: and(['bySystem', 'isSlaRunning']), target: 'at_risk' },
            SLA_OK: { guard: and(['bySystem', 'isSlaRunning']), target: 'on_track' },
            // The missed target was met late; what still runs is paused while the customer is asked.
            SLA_PAUSE: { guard: and(['bySystem', 'isAwaitingCustomer']), target: 'paused' },
          },
        },
        // Only entered while awaiting the customer, so the first three mirror the status region's ways out.
        // The clock resumes on track; the scheduler then re-evaluates it against the extended due times.
        paused: {
          on: {
            CUSTOMER_REPLY: { guard: 'byRequester', target: 'on_track' },
            START_WORK: { guard: and(['byAgent', 'isAssigned']), target: 'on_track' },
            RESOLVE: { guard: 'byAgent', target: 'on_track' },
            SLA_OK: { guard: and(['bySystem', 'isSlaRunning']), target: 'on_track' },
            SLA_WARNING: { guard: and(['bySystem', 'isSlaRunning']), target: 'at_risk' },
            SLA_BREACH: { guard: and(['bySystem', 'isSlaRunning']), target: 'breached' },
          },
        },
      },
    },
  },
});

/** The type of {@link ticketMachine}. */
export type TicketMachine = typeof ticketMachine;
