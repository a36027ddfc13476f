import type { DeskContext } from '../desk/desk-context.js';
import type { QueuesApi } from '../desk/help-desk.js';
import { TicketkitError, validationError } from '../errors/ticketkit-error.js';
import { queryOptionsSchema, queueListOptionsSchema } from '../schemas/commands.js';
import type { Department } from '../schemas/directory.js';
import { parseInput } from '../schemas/parse.js';
import { toTicketSummary } from '../schemas/ticket.js';
import type { TicketFilter, TicketOrder } from '../storage/storage-adapter.js';
import { type ResolvedActor, resolveActor, worksIn } from '../tickets/access.js';
import { requireDepartment } from '../tickets/references.js';
import { queueCountsOf } from './queue-counts.js';
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

/** The queues an actor counts: all but `mine` for the system (it holds no tickets); customers none. */
function countedQueues(who: ResolvedActor): QueueName[] {
  if (who.kind === 'customer') throw new TicketkitError('FORBIDDEN', 'Customers may not count queues');
  return QUEUE_NAMES.filter((name) => who.kind === 'agent' || name !== 'mine');
}

/** The departments whose queues the actor may see: their own (that exist), or all for admins and the system. */
async function visibleDepartments(desk: DeskContext, who: ResolvedActor): Promise<Department[]> {
  const all = await desk.directory.list('departments');
  const visible = who.kind === 'agent' ? all.filter((department) => worksIn(who.agent, department.id)) : all;
  return [...visible].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The queues of one desk. */
export function createQueues(desk: DeskContext): QueuesApi {
  return {
    async list(name, rawOptions) {
      if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
        throw validationError([{ path: ['name'], message: `must be one of ${QUEUE_NAMES.join(', ')}` }], 'queue name');
      }
      const options = parseInput(queueListOptionsSchema, rawOptions, 'options', ['options']);
      const who = await resolveActor(desk.directory, options.actor);
      const { filter, order } = scopedQuery(name, who);
      const { departmentId } = options;
      if (departmentId !== undefined) {
        if (who.kind === 'customer') throw new TicketkitError('FORBIDDEN', 'Customers may not filter by department');
        await requireDepartment(desk, departmentId);
        if (who.kind === 'agent' && !worksIn(who.agent, departmentId)) {
          throw new TicketkitError('FORBIDDEN', `Agent ${who.agent.id} does not work in department ${departmentId}`);
        }
      }
      const page = await desk.storage.listTickets({
        filter: departmentId === undefined ? filter : { ...filter, departmentIds: [departmentId] },
        order,
        limit: options.limit,
        cursor: options.cursor ?? null,
      });
      return { items: page.items.map(toTicketSummary), nextCursor: page.nextCursor };
    },
    async counts(rawOptions) {
      const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
      const who = await resolveActor(desk.directory, options.actor);
      const names = countedQueues(who);
      const counts = await desk.storage.countTickets(
        Object.fromEntries(names.map((name) => [name, scopedQuery(name, who).filter])),
      );
      return queueCountsOf(counts, (name) => name);
    },
    async countsByDepartment(rawOptions) {
      const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
      const who = await resolveActor(desk.directory, options.actor);
      const names = countedQueues(who);
      const departments = await visibleDepartments(desk, who);
      // Every cell in one storage call (one statement on PostgreSQL). Keys by position: ids may hold ':'.
      const filters: Record<string, TicketFilter> = {};
      for (const name of names) {
        const { filter } = scopedQuery(name, who);
        filters[`total:${name}`] = filter;
        departments.forEach((department, index) => {
          filters[`${index}:${name}`] = { ...filter, departmentIds: [department.id] };
        });
      }
      const counted = await desk.storage.countTickets(filters);
      return {
        total: queueCountsOf(counted, (name) => `total:${name}`),
        departments: departments.map((department, index) => ({
          id: department.id,
          name: department.name,
          counts: queueCountsOf(counted, (name) => `${index}:${name}`),
        })),
      };
    },
  };
}
