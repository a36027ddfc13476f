import {
  cursorSchema,
  DELIVERY_STATUSES,
  type Delivery,
  limitSchema,
  NOTIFICATION_TYPES,
  ticketRefSchema,
} from '@ticketkit/core';
import * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import { actorOf, page, queryOf } from './list-routes.js';
import { json, type RouteContext, type RouteSpec } from './route.js';

/**
 * One delivery as the API shows it: who was notified of what, through which notifier, and every attempt.
 * The notification's text and ticket copy are left out: the text quotes the customer's messages and may carry
 * a link that opens the ticket, and the ticket is at `GET /tickets/{ref}`.
 */
export const deliveryViewSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  notifierId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  /** `null` for a notifier that gets one notification per change (a webhook, a team chat). */
  recipient: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
  subject: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.array(z.object({ at: z.string(), durationMs: z.number(), error: z.string().nullable() })),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A delivery in the API's shape ({@link deliveryViewSchema}). */
export function deliveryView(delivery: Delivery): z.output<typeof deliveryViewSchema> {
  const { notification } = delivery;
  return {
    id: delivery.id,
    ticketId: delivery.ticketId,
    notifierId: delivery.notifierId,
    type: notification.type,
    // Checked although typed non-null here: notifiers that post once per change get `recipient: null`.
    recipient: notification.recipient
      ? { email: notification.recipient.email, name: notification.recipient.name }
      : null,
    subject: notification.subject,
    status: delivery.status,
    attempts: delivery.attempts.map(({ at, durationMs, error }) => ({ at, durationMs, error })),
    nextAttemptAt: delivery.nextAttemptAt,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

const filters = {
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().pipe(limitSchema).default(25),
  cursor: cursorSchema.optional(),
};
const logQuery = z.strictObject({ ticketId: ticketRefSchema.optional(), ...filters });
const ticketQuery = z.strictObject(filters);

async function listDeliveries(context: RouteContext, query: z.output<typeof logQuery>): Promise<Response> {
  const result = await context.desk.deliveries.list({
    ...(query.ticketId === undefined ? {} : { ticketId: query.ticketId }),
    ...(query.status === undefined ? {} : { status: query.status }),
    limit: query.limit,
    cursor: query.cursor ?? null,
  });
  return json(200, { items: result.items.map(deliveryView), nextCursor: result.nextCursor });
}

/** The delivery log over HTTP (DESIGN §5, §7): all of it for admins, one ticket's for the agents who see it. */
export const deliveryRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/deliveries',
    operationId: 'listDeliveries',
    summary:
      'The delivery log, newest first: every notification to every recipient with its attempts, filtered by ticket and status (`dead` is the dead letter). Admins only.',
    access: 'agent',
    query: logQuery,
    responses: { 200: { description: 'One page of deliveries.', schema: page(deliveryViewSchema) } },
    async handle(context) {
      const actor = actorOf(context);
      // The log spans every department, so an agent's departments do not bound it: admins only.
      const agent = actor.type === 'agent' ? await context.desk.agents.get(actor.id) : null;
      if (agent?.role !== 'admin') throw new HttpProblem('FORBIDDEN', 'Only admins may read the delivery log');
      return listDeliveries(context, queryOf(logQuery, context));
    },
  },
  {
    method: 'GET',
    path: '/tickets/:ref/deliveries',
    operationId: 'listTicketDeliveries',
    summary: 'The notifications about one ticket and their attempts, newest first, for the agents who may see it.',
    access: 'agent',
    query: ticketQuery,
    responses: { 200: { description: 'One page of deliveries.', schema: page(deliveryViewSchema) } },
    async handle(context) {
      const query = queryOf(ticketQuery, context);
      // Reading the ticket as the caller authorizes it: an agent of another department gets 403, as for the ticket.
      const ticket = await context.desk.tickets.get(context.params.ref ?? '', { actor: actorOf(context) });
      return listDeliveries(context, { ...query, ticketId: ticket.id });
    },
  },
];
