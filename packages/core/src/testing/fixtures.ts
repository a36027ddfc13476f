import { newId } from '../internal/ids.js';
import { INITIAL_LIFECYCLE_STATE } from '../lifecycle/lifecycle.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { ThreadEntry } from '../schemas/thread.js';
import { type Ticket, type TicketSummary, toTicketSummary } from '../schemas/ticket.js';
import type { Delivery } from '../storage/delivery-records.js';
import type { OutboxMessage, TicketFilter, TicketOrder } from '../storage/storage-adapter.js';
import { compareTickets, matchesFilter } from '../storage/ticket-filter.js';

let counter = 0;

/**
 * A complete, valid ticket row for storage tests. Every call gets a fresh id
 * and number; `overrides` sets anything else.
 */
export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  counter += 1;
  const at = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1, 9, 0, counter % 60)).toISOString();
  return {
    id: newId(),
    number: `T-${String(counter).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    subject: `Ticket ${counter}`,
    status: 'open',
    customStatus: null,
    priority: 'normal',
    requester: { email: `customer${counter}@example.com`, name: `Customer ${counter}` },
    departmentId: 'help',
    teamId: null,
    assigneeId: null,
    slaPlanId: null,
    topic: null,
    source: 'web',
    fields: {},
    firstResponseDueAt: null,
    resolutionDueAt: null,
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    statusChangedAt: at,
    slaState: 'on_track',
    nextCheckAt: null,
    followUpOf: null,
    feedback: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A thread entry of `ticket` for storage tests. */
export function makeThreadEntry(
  ticket: Pick<Ticket, 'id' | 'createdAt'>,
  overrides: Partial<ThreadEntry> = {},
): ThreadEntry {
  return {
    id: newId(),
    ticketId: ticket.id,
    kind: 'message',
    internal: false,
    author: { type: 'customer', email: 'customer@example.com', name: null },
    body: 'Hello',
    data: null,
    createdAt: ticket.createdAt,
    ...overrides,
  };
}

/** An audit event of `ticket` for storage tests. */
export function makeAuditEvent(
  ticket: Pick<Ticket, 'id' | 'createdAt' | 'version'>,
  overrides: Partial<AuditEvent> = {},
): AuditEvent {
  return {
    id: newId(),
    ticketId: ticket.id,
    command: 'open',
    event: null,
    actor: { type: 'system', name: null },
    from: null,
    to: { ...INITIAL_LIFECYCLE_STATE },
    changes: {},
    version: ticket.version,
    at: ticket.createdAt,
    ...overrides,
  };
}

/** A pending outbox message about `ticket` for storage tests. */
export function makeOutboxMessage(
  ticket: Pick<Ticket, 'id' | 'createdAt'>,
  overrides: Partial<OutboxMessage> = {},
): OutboxMessage {
  return {
    id: newId(),
    ticketId: ticket.id,
    notifications: [{ type: 'ticket.auto_response', audience: { kind: 'requester' }, data: { actor: 'Customer' } }],
    excludeAgentId: null,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: ticket.createdAt,
    lastError: null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.createdAt,
    ...overrides,
  };
}

/** A pending delivery of `message` (a reply notice to its ticket's customer) for storage tests. */
export function makeDelivery(
  message: Pick<OutboxMessage, 'id' | 'ticketId' | 'createdAt'>,
  ticket: Ticket | TicketSummary,
  overrides: Partial<Delivery> = {},
): Delivery {
  const id = overrides.id ?? newId();
  return {
    id,
    messageId: message.id,
    ticketId: message.ticketId,
    notifierId: 'email',
    notification: {
      id,
      type: 'ticket.reply_notice',
      recipient: { email: ticket.requester.email, name: ticket.requester.name },
      ticket: toTicketSummary(ticket),
      subject: `[#${ticket.number}] ${ticket.subject}`,
      text: 'Isabella replied:\n\nHappy to help — ✓',
    },
    status: 'pending',
    attempts: [],
    nextAttemptAt: message.createdAt,
    claimedBy: null,
    claimedUntil: null,
    createdAt: message.createdAt,
    updatedAt: message.createdAt,
    ...overrides,
  };
}

/**
 * The ids a list of `filter` in `order` returns from `tickets`, per the
 * reference semantics (`matchesFilter`, `compareTickets`): what a test of
 * an adapter's pages, or of a migrated file's, compares with.
 */
export function listedIds(tickets: readonly Ticket[], filter: TicketFilter, order: TicketOrder): string[] {
  return tickets
    .filter((ticket) => matchesFilter(ticket, filter))
    .sort((a, b) => compareTickets(a, b, order))
    .map((ticket) => ticket.id);
}
