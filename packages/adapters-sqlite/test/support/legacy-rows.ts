import type { Ticket } from '@ticketkit/core';
import type Database from 'better-sqlite3';

/**
 * Inserts a ticket row as schema versions 3 to 5 wrote it (their columns: no
 * priority rank or due time yet), for tests that migrate such a file.
 * Returns the inserter; each call gives the row's rowid.
 */
export function legacyTicketInserter(db: Database.Database): (ticket: Ticket) => number | bigint {
  const insert = db.prepare(`INSERT INTO tickets (id, number, status, department_id, team_id, assignee_id, sla_state,
    requester_email, subject, created_at, next_check_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return (ticket) =>
    insert.run(
      ticket.id,
      ticket.number,
      ticket.status,
      ticket.departmentId,
      ticket.teamId,
      ticket.assigneeId,
      ticket.slaState,
      ticket.requester.email,
      ticket.subject,
      Date.parse(ticket.createdAt),
      null,
      ticket.version,
      JSON.stringify(ticket),
    ).lastInsertRowid;
}
