import * as z from 'zod';
import type { SlaTarget } from '../events/event-map.js';
import type { Ticket } from '../schemas/ticket.js';
import { formatDuration } from '../time/duration.js';
import type { CommandSpec, EntryDraft, PlannedEvent, SystemCommandName } from './run-command.js';

/**
 * The scheduler's commands. They run through the same runner as everyone
 * else's — statechart, optimistic version, audit, outbox, events — as the
 * `system` actor, with the version the sweep read: a ticket that changed
 * meanwhile is left for the next sweep, so two schedulers never fire twice.
 */

const targetSchema = z.enum(['first_response', 'resolution']);
const TARGET_LABELS: Record<SlaTarget, string> = { first_response: 'First response', resolution: 'Resolution' };

const dueOf = (ticket: Ticket, target: SlaTarget) =>
  (target === 'first_response' ? ticket.firstResponseDueAt : ticket.resolutionDueAt) ?? '';

const slaCheck: CommandSpec<'slaCheck'> = {
  name: 'slaCheck',
  system: true,
  schema: z.object({
    type: z.enum(['SLA_OK', 'SLA_WARNING', 'SLA_BREACH', 'SLA_PAUSE']),
    warned: z.array(targetSchema),
    breached: z.array(targetSchema),
  }),
  retryable: false,
  plan({ input, ticket }) {
    const { type, warned, breached } = input;
    // Missed targets go into the thread (for the agents) once; warnings only into the history.
    const entries: EntryDraft[] = breached.map((target) => ({
      kind: 'event',
      internal: true,
      body: `${TARGET_LABELS[target]} overdue: it was due ${dueOf(ticket, target) || 'earlier'}`,
      data: { event: 'sla_breached', target },
    }));
    return {
      event: { type, ...(warned.length ? { warned } : {}), ...(breached.length ? { breached } : {}) },
      entries,
      events: ({ ticket: updated }) => [
        ...warned.map(
          (target): PlannedEvent => ({ name: 'sla.warning', extra: { target, dueAt: dueOf(updated, target) } }),
        ),
        ...breached.map(
          (target): PlannedEvent => ({ name: 'sla.breached', extra: { target, dueAt: dueOf(updated, target) } }),
        ),
      ],
    };
  },
};

const autoClose: CommandSpec<'autoClose'> = {
  name: 'autoClose',
  system: true,
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  retryable: false,
  plan({ desk }) {
    const quiet =
      desk.settings.autoCloseAfterMs === null ? '' : ` after ${formatDuration(desk.settings.autoCloseAfterMs)}`;
    return {
      event: { type: 'AUTO_CLOSE' },
      entries: [
        {
          kind: 'event',
          internal: false,
          body: `Closed automatically${quiet} without a reply`,
          data: { event: 'closed', auto: true },
        },
      ],
      events: () => [{ name: 'ticket.closed', extra: { reason: 'auto' } }],
    };
  },
};

const remind: CommandSpec<'remind'> = {
  name: 'remind',
  system: true,
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  retryable: false,
  plan() {
    return {
      event: { type: 'REMIND' },
      entries: [{ kind: 'event', internal: true, body: 'Reminded the customer', data: { event: 'reminded' } }],
    };
  },
};

const reschedule: CommandSpec<'reschedule'> = {
  name: 'reschedule',
  system: true,
  schema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  retryable: false,
  // No thread entry: nothing happened that a person needs to read; the history records it.
  plan: () => ({ event: { type: 'RESCHEDULE' } }),
};

/** The scheduler's commands, by name. */
export const SYSTEM_COMMANDS = { slaCheck, autoClose, remind, reschedule } satisfies {
  [C in SystemCommandName]: CommandSpec<C>;
};
