import type { AccessTokenRecord, Ticket } from '@ticketkit/core';
import { storeAccessTokens } from '../access-tokens.js';
import type { PgQueryable } from '../connection/pg-types.js';
import type { PostgresContext } from '../connection/postgres-context.js';
import { SqlParams } from '../connection/sql-params.js';
import { appendOutbox, insertDeliveries } from '../outbox-and-deliveries.js';
import type { SearchLanguage } from '../search.js';
import { appendAudit, appendThread } from '../thread-and-audit.js';
import { TICKET_COLUMNS, ticketColumnValues } from '../tickets.js';
import type { Tally } from './checksums.js';
import type { DirectoryRow, IdempotencyRow, TicketBatch } from './sqlite-source.js';

/** Every table of a desk's schema (the migrations table aside), children first: what `--force` empties. */
export const DESK_TABLES = [
  'access_tokens',
  'deliveries',
  'outbox',
  'audit_events',
  'thread_entries',
  'ticket_counts',
  'tickets',
  'idempotency_keys',
  'sequences',
  'directory',
  'leases',
] as const;

// Rows per INSERT for the small tables (well under PostgreSQL's 65,535 parameters).
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The target's tickets among `ids`, by id. */
export async function existingTickets(client: PgQueryable, context: PostgresContext, ids: readonly string[]) {
  const { rows } = await client.query<{ id: string; data: Ticket }>(
    `SELECT id, data FROM ${context.table('tickets')} WHERE id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.data]));
}

/**
 * Writes a batch's tickets that the target does not hold yet, with their
 * thread, audit, outbox, deliveries and tokens, through the adapter's own
 * row writers (the same columns and search vectors as a commit writes).
 * Returns how many tickets it wrote.
 */
export async function writeTicketBatch(
  client: PgQueryable,
  context: PostgresContext,
  language: SearchLanguage,
  batch: TicketBatch,
  present: ReadonlySet<string>,
): Promise<number> {
  const fresh = batch.tickets.filter((ticket) => !present.has(ticket.id));
  if (fresh.length === 0) return 0;
  const isFresh = new Set(fresh.map((ticket) => ticket.id));
  const params = new SqlParams();
  const rows = fresh.map((ticket) => `(${params.add(ticket.id)}, ${ticketColumnValues(params, ticket).join(', ')})`);
  await client.query(
    `INSERT INTO ${context.table('tickets')} (id, ${TICKET_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
    params.values,
  );
  const byTicket = <T extends { ticketId: string }>(records: readonly T[]) => {
    const grouped = new Map<string, T[]>();
    for (const record of records) {
      if (!isFresh.has(record.ticketId)) continue;
      grouped.set(record.ticketId, [...(grouped.get(record.ticketId) ?? []), record]);
    }
    return grouped;
  };
  const entries = byTicket(batch.entries);
  const audit = byTicket(batch.audit);
  const outbox = byTicket(batch.outbox);
  for (const ticket of fresh) {
    await appendThread(client, context, language, ticket, entries.get(ticket.id) ?? []);
    await appendAudit(client, context, ticket, audit.get(ticket.id) ?? []);
    await appendOutbox(client, context, ticket, outbox.get(ticket.id) ?? []);
  }
  for (const part of chunks(batch.deliveries.filter((delivery) => isFresh.has(delivery.ticketId)))) {
    await insertDeliveries(client, context, part);
  }
  const tokens: AccessTokenRecord[] = batch.accessTokens.filter((token) => isFresh.has(token.ticketId));
  for (const part of chunks(tokens)) await storeAccessTokens(client, context, part);
  return fresh.length;
}

/** Writes idempotency keys the target does not hold yet. */
export async function writeIdempotencyKeys(client: PgQueryable, context: PostgresContext, keys: IdempotencyRow[]) {
  for (const part of chunks(keys)) {
    const params = new SqlParams();
    const rows = part.map(
      (row) =>
        `(${params.add(row.scope)}, ${params.add(row.key)}, ${params.add(new Date(row.createdAt).toISOString())}::timestamptz, ${params.add(row.data)}::jsonb)`,
    );
    await client.query(
      `INSERT INTO ${context.table('idempotency_keys')} (scope, key, created_at, data) VALUES ${rows.join(', ')}
        ON CONFLICT (scope, key) DO NOTHING`,
      params.values,
    );
  }
}

/** Writes directory records the target does not hold yet. */
export async function writeDirectory(client: PgQueryable, context: PostgresContext, records: DirectoryRow[]) {
  for (const part of chunks(records)) {
    const params = new SqlParams();
    const rows = part.map((row) => `(${params.add(row.kind)}, ${params.add(row.id)}, ${params.add(row.data)}::jsonb)`);
    await client.query(
      `INSERT INTO ${context.table('directory')} (kind, id, data) VALUES ${rows.join(', ')} ON CONFLICT (kind, id) DO NOTHING`,
      params.values,
    );
  }
}

/** Moves counters up to the source's values (never down: a re-run after the app wrote keeps its numbers). */
export async function writeSequences(
  client: PgQueryable,
  context: PostgresContext,
  sequences: { name: string; value: number }[],
) {
  for (const { name, value } of sequences) {
    await client.query(
      `INSERT INTO ${context.table('sequences')} AS s (name, value) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET value = greatest(s.value, excluded.value)`,
      [name, value],
    );
  }
}

/** Rebuilds the count cells from the tickets (what the commit keeps up to date from then on). */
export async function rebuildCounts(client: PgQueryable, context: PostgresContext) {
  const counts = context.table('ticket_counts');
  await client.query(`DELETE FROM ${counts}`);
  await client.query(
    `INSERT INTO ${counts} (department_id, status, sla_state, assignee_id, team_id, n)
      SELECT department_id, status, sla_state, coalesce(assignee_id, ''), coalesce(team_id, ''), count(*)
      FROM ${context.table('tickets')} GROUP BY 1, 2, 3, 4, 5`,
  );
}

/** Rows per read while verifying: the target is read in keyset pages, never whole. */
export const VERIFY_PAGE = 1_000;
const iso = (value: Date | null) => (value === null ? null : value.toISOString());

/**
 * Reads `columns` of a table in keyset pages of `pageSize` rows ordered by
 * `key` (unique), handing each row to `each`: memory holds one page, however
 * large the table.
 */
async function eachPage<Row extends Record<string, unknown>>(
  client: PgQueryable,
  table: string,
  columns: string,
  key: readonly string[],
  pageSize: number,
  each: (row: Row) => void,
) {
  let after: unknown[] | null = null;
  for (;;) {
    const params: unknown[] = after ?? [];
    const where: string = after
      ? `WHERE (${key.join(', ')}) > (${key.map((_, index) => `$${index + 1}`).join(', ')})`
      : '';
    const { rows }: { rows: Row[] } = await client.query<Row>(
      `SELECT ${columns} FROM ${table} ${where} ORDER BY ${key.join(', ')} LIMIT ${pageSize}`,
      params,
    );
    for (const row of rows) each(row);
    const last: Row | undefined = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = key.map((column) => last[column]);
  }
}

/**
 * Adds every record of the target schema to `tally`, table by table, as the
 * source's records read; each table in keyset pages of `pageSize` rows.
 */
export async function tallyTarget(client: PgQueryable, context: PostgresContext, tally: Tally, pageSize = VERIFY_PAGE) {
  const t = (name: string) => context.table(name);
  await eachPage<{ id: string; data: Ticket }>(client, t('tickets'), 'id, data', ['id'], pageSize, (row) =>
    tally.add('tickets', row.data),
  );
  await eachPage<{ seq: string; id: string; ticket_id: string; body: string; data: object }>(
    client,
    t('thread_entries'),
    'seq, id, ticket_id, body, data',
    ['seq'],
    pageSize,
    (row) => tally.add('thread_entries', { ...row.data, id: row.id, ticketId: row.ticket_id, body: row.body }),
  );
  for (const table of ['audit_events', 'outbox', 'deliveries'] as const) {
    await eachPage<{ seq: string; data: object }>(client, t(table), 'seq, data', ['seq'], pageSize, (row) =>
      tally.add(table, row.data),
    );
  }
  await eachPage<{
    hash: string;
    ticket_id: string;
    created_at: Date;
    expires_at: Date | null;
    revoked_at: Date | null;
  }>(client, t('access_tokens'), 'hash, ticket_id, created_at, expires_at, revoked_at', ['hash'], pageSize, (row) =>
    tally.add('access_tokens', {
      hash: row.hash,
      ticketId: row.ticket_id,
      createdAt: row.created_at.toISOString(),
      expiresAt: iso(row.expires_at),
      revokedAt: iso(row.revoked_at),
    }),
  );
  await eachPage<{ scope: string; key: string; created_at: Date; data: unknown }>(
    client,
    t('idempotency_keys'),
    'scope, key, created_at, data',
    ['scope', 'key'],
    pageSize,
    (row) =>
      tally.add('idempotency_keys', {
        scope: row.scope,
        key: row.key,
        createdAt: row.created_at.getTime(),
        data: row.data,
      }),
  );
  const directory = await client.query<DirectoryRow>(`SELECT kind, id, data FROM ${t('directory')}`);
  for (const row of directory.rows) tally.add('directory', { kind: row.kind, id: row.id, data: row.data });
  const sequences = await client.query<{ name: string; value: string }>(`SELECT name, value FROM ${t('sequences')}`);
  for (const row of sequences.rows) tally.add('sequences', { name: row.name, value: Number(row.value) });
  const cells = await client.query<Record<string, string>>(
    `SELECT department_id, status, sla_state, assignee_id, team_id, n FROM ${t('ticket_counts')} WHERE n > 0`,
  );
  for (const cell of cells.rows) tally.add('ticket_counts', { ...cell, n: Number(cell.n) });
}
