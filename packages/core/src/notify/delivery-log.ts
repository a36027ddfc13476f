import * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import { TicketkitError } from '../errors/ticketkit-error.js';
import { parseInput } from '../schemas/parse.js';
import { cursorSchema, limitSchema, recordIdSchema, ticketRefSchema } from '../schemas/primitives.js';
import { DELIVERY_STATUSES, type Delivery } from '../storage/delivery-records.js';
import { loadTicket } from '../tickets/load-ticket.js';
import type { DeliveriesApi } from './deliveries-api.js';
import type { Outbox } from './outbox.js';

export type { DeliveriesApi, DeliveryListOptions } from './deliveries-api.js';

const listSchema = z
  .strictObject({
    ticketId: ticketRefSchema.optional(),
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: limitSchema.default(25),
    cursor: cursorSchema.nullable().optional(),
  })
  .default({ limit: 25 });

const deliveryIdSchema = recordIdSchema;

/** Creates `desk.deliveries` over the desk's outbox. */
export function createDeliveriesApi(desk: DeskContext, outbox: Outbox): DeliveriesApi {
  const stored = (id: unknown) => desk.storage.getDelivery(parseInput(deliveryIdSchema, id, 'delivery id', ['id']));
  return {
    async list(options) {
      const query = parseInput(listSchema, options, 'deliveries.list options');
      if (!desk.storage.hasDeliveries) return { items: [], nextCursor: null };
      const ticketId = query.ticketId === undefined ? undefined : (await loadTicket(desk.storage, query.ticketId)).id;
      return desk.storage.listDeliveries({
        ...(ticketId === undefined ? {} : { ticketId }),
        ...(query.status === undefined ? {} : { status: query.status }),
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
    },
    async get(id) {
      if (!desk.storage.hasDeliveries) return null;
      return stored(id);
    },
    async retry(id) {
      const delivery = desk.storage.hasDeliveries ? await stored(id) : null;
      if (!delivery) throw new TicketkitError('NOT_FOUND', `No delivery ${String(id)}`);
      if (delivery.status !== 'dead') {
        throw new TicketkitError(
          'INVALID_TRANSITION',
          `Delivery ${delivery.id} is ${delivery.status}: only a dead delivery can be retried`,
          { allowedEvents: [], status: delivery.status },
        );
      }
      const requeued = await outbox.requeue(delivery);
      if (!requeued) {
        throw new TicketkitError('CONFLICT', `Delivery ${delivery.id} changed meanwhile: look at it again`, {
          target: 'delivery',
        });
      }
      return requeued;
    },
    async recordBounce(id, reason) {
      const text = parseInput(z.string().min(1).max(2_000), reason, 'bounce reason', ['reason']);
      if (!desk.storage.hasDeliveries) return null;
      // The row may change meanwhile (a retry finishing): read it again and re-apply, a bounded number of times.
      for (let round = 0; round < 3; round++) {
        const delivery = await stored(id);
        if (!delivery) return null;
        // The same report taken twice (the email intake after a restart, a provider's retry) is recorded once.
        if (delivery.status === 'dead' && delivery.attempts.at(-1)?.error === `bounced: ${text}`) return delivery;
        const at = desk.clock.now().toISOString();
        const bounced: Delivery = {
          ...delivery,
          status: 'dead',
          attempts: [...delivery.attempts, { at, durationMs: 0, error: `bounced: ${text}` }],
          updatedAt: at,
        };
        if (await desk.storage.updateDelivery(bounced, delivery.claimedBy)) {
          desk.bus.emit('notification.failed', {
            notificationId: delivery.id,
            messageId: delivery.messageId,
            ticketId: delivery.ticketId,
            type: delivery.notification.type,
            error: `bounced: ${text}`,
            attempts: bounced.attempts.length,
            deadLettered: true,
            at,
          });
          return bounced;
        }
      }
      throw new TicketkitError('CONFLICT', `Delivery ${id} kept changing: record the bounce again`, {
        target: 'delivery',
      });
    },
    idle: () => outbox.idle(),
  };
}
