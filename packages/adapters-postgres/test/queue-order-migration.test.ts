import type { Page, Ticket, TicketFilter } from '@ticketkit/core';
import { listedIds, makeTicket } from '@ticketkit/core/testing';
import { afterAll, expect, test } from 'vitest';
import { createPostgresContext } from '../src/connection/postgres-context.js';
import { postgresStorage, SCHEMA_VERSION } from '../src/index.js';
import { migrate } from '../src/migrations/migrate.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * A schema at version 1 (before the `priority` order) with tickets in it:
 * migration 2 gives every ticket its priority rank and next due time from
 * its JSON, and the work queues page in the new order.
 */

const raw = testPool(3);
const schema = schemaName('tk_order');
afterAll(async () => {
  await dropSchema(raw, schema);
  await raw.end();
});

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;
const at = (minutes: number, ms = 0) => new Date(Date.UTC(2026, 2, 2, 9, minutes, 0, ms)).toISOString();

const reference = (tickets: readonly Ticket[], filter: TicketFilter) => listedIds(tickets, filter, 'priority');

test('a schema at version 1 with tickets migrates, and its work queues page in priority order', async () => {
  const tickets = Array.from({ length: 40 }, (_, index) =>
    makeTicket({
      priority: PRIORITIES[index % 4],
      status: STATUSES[index % 5],
      departmentId: index % 3 === 0 ? 'l2' : 'help',
      firstResponseDueAt: index % 7 === 6 ? null : at(index % 5, (index * 37) % 1000),
      firstRespondedAt: index % 3 === 1 ? at(0) : null,
      resolutionDueAt: index % 5 === 4 ? null : at(2 + (index % 4)),
      createdAt: at(-60 + Math.floor(index / 2)),
    }),
  );
  // The schema as version 1 of the adapter left it, with tickets written in its columns.
  const context = createPostgresContext(schema, async () => raw);
  expect((await migrate(context, 1)).to).toBe(1);
  for (const ticket of tickets) {
    await raw.query(
      `INSERT INTO "${schema}".tickets (id, number, status, department_id, team_id, assignee_id, sla_state,
        requester_email, subject, created_at, next_check_at, version, data)
        VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6, $7, $8, NULL, $9, $10)`,
      [
        ticket.id,
        ticket.number,
        ticket.status,
        ticket.departmentId,
        ticket.slaState,
        ticket.requester.email,
        ticket.subject,
        ticket.createdAt,
        ticket.version,
        JSON.stringify(ticket),
      ],
    );
  }

  const storage = postgresStorage({ pool: raw, schema });
  await storage.init();
  expect(await storage.migrationStatus()).toHaveLength(SCHEMA_VERSION);
  const filters: Record<string, TicketFilter> = {
    open: { statuses: ['open', 'in_progress'] },
    twoDepartments: { statuses: ['open', 'in_progress'], departmentIds: ['help', 'l2'] },
    awaiting: { statuses: ['awaiting_customer'] },
  };
  for (const [name, filter] of Object.entries(filters)) {
    expect(reference(tickets, filter).length, name).toBeGreaterThan(3);
    for (const limit of [1, 3, 50]) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Ticket> = await storage.listTickets({ filter, order: 'priority', limit, cursor });
        ids.push(...page.items.map((ticket) => ticket.id));
        cursor = page.nextCursor;
      } while (cursor && ids.length <= tickets.length);
      expect(ids, `${name}, limit ${limit}`).toEqual(reference(tickets, filter));
    }
  }
});
