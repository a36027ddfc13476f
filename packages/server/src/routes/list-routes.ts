import {
  agentSchema,
  cannedResponseSchema,
  cursorSchema,
  departmentSchema,
  isTicketkitError,
  LIMITS,
  limitSchema,
  parseInput,
  QUEUE_NAMES,
  type QueueName,
  queueCountsByDepartmentSchema,
  queueCountsSchema,
  recordIdSchema,
  searchTextSchema,
  slaPlanSchema,
  teamSchema,
  ticketSummarySchema,
  validationError,
} from '@ticketkit/core';
import * as z from 'zod';
import { fieldError, HttpProblem } from '../http/problem.js';
import { customerTicketSchema } from '../views/ticket-views.js';
import { json, type RouteContext, type RouteSpec, ticketFor } from './route.js';

// The query string is text: the document states the number it must hold, which the coercion hides.
const limitParam = z.coerce
  .number()
  .pipe(limitSchema)
  .default(25)
  .meta({ type: 'integer', minimum: 1, maximum: LIMITS.pageSize, description: `Page size, 1 to ${LIMITS.pageSize}.` });
const pageQuery = z.strictObject({ limit: limitParam, cursor: cursorSchema.optional() });
const queueQuery = pageQuery.extend({
  departmentId: recordIdSchema.optional().meta({
    description: 'Only this department’s tickets (a row of `GET /queues?by=department`): one the agent works in.',
  }),
});
const countsQuery = z.strictObject({
  by: z.enum(['department']).optional().meta({
    description: '`department`: the counts in total and per department the agent may see, `{ total, departments }`.',
  }),
});
const searchQuery = z.strictObject({
  q: searchTextSchema.meta({
    pattern: '[\\p{L}\\p{N}]',
    description: 'The words to find: at least one word (letters or digits).',
  }),
  limit: limitParam,
  cursor: cursorSchema.optional(),
});
const queueParams = { name: z.enum(QUEUE_NAMES) };

/** A page of `items`, as every list route answers. */
export const page = (items: z.ZodType) => z.object({ items: z.array(items), nextCursor: z.string().nullable() });

/** The query string as an object, refusing a repeated parameter (which one would win is anyone's guess). */
export function queryOf<S extends z.ZodType>(schema: S, context: RouteContext): z.output<S> {
  // No prototype: `?constructor=1` is a parameter like any other (`key in {}` said it was given twice).
  const raw: Record<string, string> = Object.create(null);
  for (const [key, value] of context.query) {
    if (key in raw) {
      throw new HttpProblem('VALIDATION_FAILED', `Invalid query: ${key}: is given twice`, {
        errors: [fieldError({ path: [key], message: 'is given twice' })],
      });
    }
    raw[key] = value;
  }
  return parseInput(schema, raw, 'query');
}

/** The desk names the search text `text` when it refuses it ("must contain a word"); the client sent it as `q`. */
function searchTextAsQ(error: unknown): unknown {
  if (!isTicketkitError(error, 'VALIDATION_FAILED')) return error;
  return validationError(
    error.issues.map((issue) => (issue.path[0] === 'text' ? { ...issue, path: ['q', ...issue.path.slice(1)] } : issue)),
    'query',
  );
}

/** The actor of a request that passed its access check. */
export function actorOf(context: RouteContext) {
  if (context.identity.kind === 'anonymous') throw new Error('checkAccess admits no anonymous caller here');
  return context.identity.actor;
}

/** Queues, search, the customer's own requests and the directory. */
export const listRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/queues',
    operationId: 'queueCounts',
    summary:
      'How many tickets each queue holds for the calling agent; with `by=department`, also per department the agent may see (admins: all).',
    access: 'agent',
    query: countsQuery,
    responses: {
      200: {
        description:
          'Counts by queue; with `by=department`, `{ total, departments: [{ id, name, counts }] }` (departments by name).',
        schema: z.union([queueCountsSchema, queueCountsByDepartmentSchema]),
      },
    },
    async handle(context) {
      const { by } = queryOf(countsQuery, context);
      const actor = actorOf(context);
      return json(
        200,
        by === 'department'
          ? await context.desk.queues.countsByDepartment({ actor })
          : await context.desk.queues.counts({ actor }),
      );
    },
  },
  {
    method: 'GET',
    path: '/queues/:name',
    operationId: 'listQueue',
    summary:
      `One page of a queue: ${QUEUE_NAMES.join(', ')}. Agents see their departments (admins everything). ` +
      'The work queues (open, mine, unassigned, overdue, awaiting_customer) come most urgent first: by priority ' +
      '(urgent, high, normal, low), then the next SLA due time (earliest first, overdue ones first of all; none last), ' +
      'then the oldest; resolved, closed and all come newest first. Keyset pages: pass `nextCursor` back as `cursor` ' +
      '(a cursor of a list in the other order is refused with 422 naming `cursor`).',
    access: 'agent',
    params: queueParams,
    query: queueQuery,
    responses: {
      200: {
        description: 'One page of ticket summaries: no custom fields (`GET /tickets/:ref` has them).',
        schema: page(ticketSummarySchema),
      },
    },
    async handle(context) {
      const name = context.params.name ?? '';
      if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
        throw new HttpProblem('ROUTE_NOT_FOUND', `No queue ${name}: the queues are ${QUEUE_NAMES.join(', ')}`);
      }
      const { limit, cursor, departmentId } = queryOf(queueQuery, context);
      const result = await context.desk.queues.list(name as QueueName, {
        actor: actorOf(context),
        limit,
        ...(cursor ? { cursor } : {}),
        ...(departmentId ? { departmentId } : {}),
      });
      return json(200, result);
    },
  },
  {
    method: 'GET',
    path: '/search',
    operationId: 'searchTickets',
    summary: 'Ranked full-text search over subjects, numbers and threads, within the agent’s departments.',
    access: 'agent',
    query: searchQuery,
    responses: {
      200: {
        description: 'One page of matching ticket summaries: no custom fields.',
        schema: page(ticketSummarySchema),
      },
    },
    async handle(context) {
      const { q, limit, cursor } = queryOf(searchQuery, context);
      const result = await context.desk.tickets
        .search(q, { actor: actorOf(context), limit, ...(cursor ? { cursor } : {}) })
        .catch((error: unknown) => {
          throw searchTextAsQ(error);
        });
      return json(200, result);
    },
  },
  {
    method: 'GET',
    path: '/me/tickets',
    operationId: 'myTickets',
    summary:
      'The customer’s own requests, newest first. With an access token: that token’s ticket only (a token opens one ticket).',
    access: 'customer',
    query: pageQuery,
    responses: { 200: { description: 'One page.', schema: page(customerTicketSchema) } },
    async handle(context) {
      const { limit, cursor } = queryOf(pageQuery, context);
      const { identity } = context;
      if (identity.kind === 'token') {
        return json(200, { items: [ticketFor(identity, identity.ticket)], nextCursor: null });
      }
      const result = await context.desk.queues.list('mine', {
        actor: actorOf(context),
        limit,
        ...(cursor ? { cursor } : {}),
      });
      return json(200, {
        items: result.items.map((ticket) => ticketFor(identity, ticket)),
        nextCursor: result.nextCursor,
      });
    },
  },
  {
    method: 'GET',
    path: '/directory',
    operationId: 'directory',
    summary: 'Departments, teams, agents, SLA plans and canned responses: what an agent picks from.',
    access: 'agent',
    responses: {
      200: {
        description: 'The directory.',
        schema: z.object({
          departments: z.array(departmentSchema),
          teams: z.array(teamSchema),
          agents: z.array(agentSchema),
          slaPlans: z.array(slaPlanSchema),
          cannedResponses: z.array(cannedResponseSchema),
        }),
      },
    },
    async handle(context) {
      const { desk } = context;
      const [departments, teams, agents, slaPlans, cannedResponses] = await Promise.all([
        desk.departments.list(),
        desk.teams.list(),
        desk.agents.list(),
        desk.slaPlans.list(),
        desk.cannedResponses.list(),
      ]);
      return json(200, { departments, teams, agents, slaPlans, cannedResponses });
    },
  },
];
