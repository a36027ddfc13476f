import type { DirectoryKind, DirectoryRecords } from '@ticketkit/core';
import { json, type SqliteContext } from './connection/sqlite-context.js';

/** The directory: departments, teams, agents, calendars, SLA plans, canned responses, one JSON row each. */
export function directory(context: SqliteContext) {
  const { sql } = context;
  return {
    async putRecord<K extends DirectoryKind>(kind: K, record: DirectoryRecords[K]) {
      sql(`INSERT INTO directory (kind, id, data) VALUES (?, ?, ?)
        ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data`).run(kind, record.id, json(record));
    },

    async getRecord<K extends DirectoryKind>(kind: K, id: string) {
      const row = sql('SELECT data FROM directory WHERE kind = ? AND id = ?').pluck().get(kind, id) as
        | string
        | undefined;
      return row ? (JSON.parse(row) as DirectoryRecords[K]) : null;
    },

    async listRecords<K extends DirectoryKind>(kind: K) {
      const rows = sql('SELECT data FROM directory WHERE kind = ? ORDER BY id').pluck().all(kind) as string[];
      return rows.map((row) => JSON.parse(row) as DirectoryRecords[K]);
    },
  };
}
