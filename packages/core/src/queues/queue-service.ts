import type { DeskContext } from '../desk/desk-context.js';
import type { QueuesApi } from '../desk/help-desk.js';
import { TicketkitError, validationError } from '../errors/ticketkit-error.js';
import { listOptionsSchema, queryOptionsSchema } from '../schemas/commands.js';
import { parseInput } from '../schemas/parse.js';
import { toTicketSummary } from '../schemas/ticket.js';
import type { TicketFilter, TicketOrder } from '../storage/storage-adapter.js';
import { type ResolvedActor, resolveActor } from '../tickets/access.js';
import { QUEUE_NAMES, type QueueName, queueDefinition } from './queue-definitions.js';

function scopedQuery(name: QueueName, who: ResolvedActor): { filter: TicketFilter; order: TicketOrder } {
  if (who.kind === 'customer') {
    // A customer's only queue is their own requests.
    if (name !== 'mine')
      throw new TicketkitError('FORBIDDEN', `Customers may only list the 'mine' queue, not '${name}'`);
    return { filter: { requesterEmail: who.email }, order: 'newest' };
  }
  const definition = queueDefinition(name, who.kind === 'agent' ? who.agent.id : '');
  if (who.kind === 'system' && name === 'mine') {
    throw new TicketkitError('FORBIDDEN', "The system has no 'mine' queue");
  }
  const scoped = definition.departmentScoped && who.kind === 'agent' && who.agent.role !== 'admin';
  return {
    filter:
      scoped && who.kind === 'agent'
        ? { ...definition.filter, departmentIds: who.agent.departmentIds }
        : definition.filter,
    order: definition.order,
  };
}

/** The queues of one desk. */
export function createQueues(desk: DeskContext): QueuesApi {
  return {
    async list(name, rawOptions) {
      if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
        throw validationError([{ path: ['name'], message: `must be one of ${QUEUE_NAMES.join(', ')}` }], 'queue name');
      }
      const options = parseInput(listOptionsSchema, rawOptions, 'options', ['options']);
      const who = await resolveActor(desk.directory, options.actor);
      const { filter, order } = scopedQuery(name, who);
      const page = await desk.storage.listTickets({
        filter,
        order,
        limit: options.limit,
        cursor: options.cursor ?? null,
      });
      return { items: page.items.map(toTicketSummary), nextCursor: page.nextCursor };
    },
    async counts(rawOptions) {
      const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
      const who = await resolveActor(desk.directory, options.actor);
      if (who.kind === 'customer') throw new TicketkitError('FORBIDDEN', 'Customers may not count queues');
      const names = QUEUE_NAMES.filter((name) => who.kind === 'agent' || name !== 'mine');
      const filters = Object.fromEntries(names.map((name) => [name, scopedQuery(name, who).filter]));
      const counts = await desk.storage.countTickets(filters);
      return Object.fromEntries(QUEUE_NAMES.map((name) => [name, counts[name] ?? 0])) as Record<QueueName, number>;
    },
  };
}
