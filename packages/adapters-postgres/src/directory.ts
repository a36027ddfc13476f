import type { DirectoryKind, DirectoryRecords } from '@ticketkit/core';
import type { PostgresContext } from './connection/postgres-context.js';

/** Departments, teams, agents, calendars, SLA plans and canned responses: JSONB by kind and id. */
export function directory(context: PostgresContext) {
  const table = context.table('directory');
  return {
    async putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]): Promise<void> {
      await context.execute(
        'putRecord',
        `INSERT INTO ${table} (kind, id, data) VALUES ($1, $2, $3::jsonb)
          ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data`,
        [kind, record.id, record],
      );
    },

    async getRecord<K extends DirectoryKind>(kind: K, id: string): Promise<DirectoryRecords[K] | null> {
      const [row] = await context.query<{ data: DirectoryRecords[K] }>(
        'getRecord',
        `SELECT data FROM ${table} WHERE kind = $1 AND id = $2`,
        [kind, id],
      );
      return row?.data ?? null;
    },

    async listRecords<K extends DirectoryKind>(kind: K): Promise<DirectoryRecords[K][]> {
      const rows = await context.query<{ data: DirectoryRecords[K] }>(
        'listRecords',
        `SELECT data FROM ${table} WHERE kind = $1 ORDER BY id`,
        [kind],
      );
      return rows.map((row) => row.data);
    },
  };
}
