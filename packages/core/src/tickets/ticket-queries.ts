import type { DeskContext } from '../desk/desk-context.js';
import { TicketkitError, validationError } from '../errors/ticketkit-error.js';
import type { AuditEvent } from '../schemas/audit.js';
import {
  type ListOptions,
  listOptionsSchema,
  type QueryOptions,
  queryOptionsSchema,
  searchTextSchema,
} from '../schemas/commands.js';
import { parseInput } from '../schemas/parse.js';
import { ticketRefSchema } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import { type Ticket, type TicketSummary, toTicketSummary } from '../schemas/ticket.js';
import type { Page } from '../storage/storage-adapter.js';
import { searchTerms } from '../storage/ticket-filter.js';
import { type ResolvedActor, resolveActor } from './access.js';
import { loadForActor } from './run-command.js';

async function prepare(desk: DeskContext, ref: string, rawOptions: QueryOptions) {
  const options = parseInput(queryOptionsSchema, rawOptions, 'options', ['options']);
  const refValue = parseInput(ticketRefSchema, ref, 'ticket reference', ['ref']);
  const who = await resolveActor(desk.directory, options.actor);
  return { who, ...(await loadForActor(desk, refValue, who)) };
}

/** Refuses customers: what follows is for staff. */
export function requireStaff(who: ResolvedActor, what: string): void {
  if (who.kind === 'customer') throw new TicketkitError('FORBIDDEN', `Customers may not read ${what}`);
}

/** `desk.tickets.get` */
export async function getTicket(desk: DeskContext, ref: string, options: QueryOptions): Promise<Ticket> {
  return (await prepare(desk, ref, options)).ticket;
}

/** `desk.tickets.thread`: customers see public entries only. */
export async function getThread(desk: DeskContext, ref: string, options: QueryOptions): Promise<ThreadEntry[]> {
  const { ticket, principal } = await prepare(desk, ref, options);
  const entries = await desk.storage.listThread(ticket.id);
  return principal === 'requester' ? entries.filter((entry) => !entry.internal) : entries;
}

/** `desk.tickets.history`: the audit trail, for staff. */
export async function getHistory(desk: DeskContext, ref: string, options: QueryOptions): Promise<AuditEvent[]> {
  const { ticket, who } = await prepare(desk, ref, options);
  requireStaff(who, 'the audit history');
  return desk.storage.listAudit(ticket.id);
}

/** `desk.tickets.search`: ranked full-text search within the agent's departments. */
export async function searchTickets(
  desk: DeskContext,
  text: string,
  rawOptions: ListOptions,
): Promise<Page<TicketSummary>> {
  const options = parseInput(listOptionsSchema, rawOptions, 'options', ['options']);
  const query = parseInput(searchTextSchema, text, 'search text', ['text']);
  const terms = searchTerms(query);
  if (terms.length === 0)
    throw validationError([{ path: ['text'], message: 'must contain a word to search for' }], 'search text');
  const who = await resolveActor(desk.directory, options.actor);
  requireStaff(who, 'search results');
  const filter = who.kind === 'agent' && who.agent.role !== 'admin' ? { departmentIds: who.agent.departmentIds } : {};
  const page = await desk.storage.searchTickets({
    text: query,
    terms,
    filter,
    limit: options.limit,
    cursor: options.cursor ?? null,
  });
  return { items: page.items.map(toTicketSummary), nextCursor: page.nextCursor };
}
