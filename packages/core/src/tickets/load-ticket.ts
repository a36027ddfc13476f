import { isId } from '../internal/ids.js';
import type { Ticket } from '../schemas/ticket.js';
import type { StorageGateway } from '../storage/storage-gateway.js';
import { notFound } from './access.js';

/** Loads a ticket by reference: a UUID is an id, anything else a number. */
export async function loadTicket(storage: StorageGateway, ref: string): Promise<Ticket> {
  const ticket = await storage.getTicket(isId(ref) ? { id: ref } : { number: ref });
  if (!ticket) throw notFound(ref);
  return ticket;
}
