import type { TicketStatus } from '../schemas/enums.js';
import type { TicketFilter, TicketOrder } from '../storage/storage-adapter.js';

/** The work queues every desk has. */
export const QUEUE_NAMES = [
  'open',
  'mine',
  'unassigned',
  'overdue',
  'awaiting_customer',
  'resolved',
  'closed',
  'all',
] as const;

/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Statuses in which a ticket still needs someone: not resolved, not closed. */
export const ACTIVE_STATUSES = ['open', 'in_progress', 'awaiting_customer'] as const satisfies readonly TicketStatus[];

/** What a queue lists, before the acting agent's department scope is applied. */
export interface QueueDefinition {
  /** Which tickets. `mine` fills in the acting agent. */
  filter: TicketFilter;
  /**
   * Work queues list in `priority` order (most urgent, then soonest due, then
   * first come, first served); history-like queues newest first.
   */
  order: TicketOrder;
  /** Whether the queue is limited to the acting agent's departments (admins see everything). */
  departmentScoped: boolean;
}

/**
 * The queues, as filters:
 * - `open`: open and in-progress tickets (they need an agent's action);
 * - `mine`: active tickets assigned to the acting agent, in any department;
 * - `unassigned`: active tickets no agent or team holds;
 * - `overdue`: active tickets that breached their SLA;
 * - `awaiting_customer`, `resolved`, `closed`: tickets in that status;
 * - `all`: everything.
 *
 * The work queues (`open`, `mine`, `unassigned`, `overdue`,
 * `awaiting_customer`) are in `priority` order; `resolved`, `closed` and
 * `all` newest first.
 */
export function queueDefinition(name: QueueName, agentId: string): QueueDefinition {
  switch (name) {
    case 'open':
      return { filter: { statuses: ['open', 'in_progress'] }, order: 'priority', departmentScoped: true };
    case 'mine':
      return { filter: { statuses: ACTIVE_STATUSES, assigneeId: agentId }, order: 'priority', departmentScoped: false };
    case 'unassigned':
      return { filter: { statuses: ACTIVE_STATUSES, unassigned: true }, order: 'priority', departmentScoped: true };
    case 'overdue':
      return {
        filter: { statuses: ACTIVE_STATUSES, slaStates: ['breached'] },
        order: 'priority',
        departmentScoped: true,
      };
    case 'awaiting_customer':
      return { filter: { statuses: ['awaiting_customer'] }, order: 'priority', departmentScoped: true };
    case 'resolved':
      return { filter: { statuses: ['resolved'] }, order: 'newest', departmentScoped: true };
    case 'closed':
      return { filter: { statuses: ['closed'] }, order: 'newest', departmentScoped: true };
    case 'all':
      return { filter: {}, order: 'newest', departmentScoped: true };
  }
}
