import type { Migration } from './migration.js';

/**
 * The fifth schema: a delivery holds the ticket's summary, without its custom
 * `fields` (core's `Notification.ticket` is a `TicketSummary` now). Every
 * delivery row copied the whole ticket, once per recipient and notifier: 40
 * intakes with 1 MB of fields grew a file by 167 MB. Existing rows lose the
 * copy here; the space they held is reused by new rows (`VACUUM` returns it
 * to the file system, when the host chooses to run it).
 */
export const deliveryTicketSummaries: Migration = {
  version: 5,
  name: 'deliveries hold ticket summaries, without custom fields',
  sql: `
-- json_remove keeps every other value as written (strings keep their escapes).
UPDATE deliveries
SET data = json_remove(data, '$.notification.ticket.fields')
WHERE json_type(data, '$.notification.ticket.fields') IS NOT NULL;
`,
};
