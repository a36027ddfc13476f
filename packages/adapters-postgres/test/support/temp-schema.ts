import { randomBytes } from 'node:crypto';
import {
  type AccessTokenRecord,
  type AuditEvent,
  type Delivery,
  type OutboxMessage,
  queuePosition,
  type ThreadEntry,
  type Ticket,
} from '@ticketkit/core';
import type { StorageBackdoor } from '@ticketkit/core/testing';
import pg from 'pg';
import { type PostgresStorageOptions, postgresStorage } from '../../src/index.js';

/** The test server: PostgreSQL on this machine, trust auth (override with TICKETKIT_TEST_DATABASE_URL). */
export const DATABASE_URL = process.env.TICKETKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, unique schema name for one test. */
export const schemaName = (prefix = 'tk_test') => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A pool on the test database. */
export const testPool = (max = 10) => new pg.Pool({ connectionString: DATABASE_URL, max });

/** Drops a test schema and everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string) {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * Reads a ticketkit schema with hand-written SQL on a connection of its own
 * — never through the adapter — for the conformance kit. It checks that the
 * columns beside each JSON record say what the JSON says.
 */
export function postgresBackdoor(pool: pg.Pool, schema: string): StorageBackdoor {
  const t = (name: string) => `"${schema}"."${name}"`;
  const rows = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[];
  const iso = (value: Date | null) => (value === null ? null : value.toISOString());
  const inStep = (what: string, columns: Record<string, unknown>, expected: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(columns)) {
      if (value !== expected[name]) {
        throw new Error(`${what}: column ${name} is ${String(value)}, its JSON says ${String(expected[name])}`);
      }
    }
  };
  return {
    async ticket(id) {
      const [row] = await rows<{
        data: Record<string, unknown> & { version: number };
        version: number;
        status: string;
        priority_rank: number;
        due_at: Date | number;
      }>(`SELECT data, version, status, priority_rank, due_at FROM ${t('tickets')} WHERE id = $1`, [id]);
      if (!row) return null;
      inStep(`ticket ${id}`, { version: row.version, status: row.status }, row.data);
      // The `priority` order's columns: core's queue position, no due time stored as infinity.
      const position = queuePosition(row.data as unknown as Ticket);
      inStep(
        `ticket ${id}`,
        { priority_rank: row.priority_rank, due_at: row.due_at instanceof Date ? iso(row.due_at) : row.due_at },
        {
          priority_rank: position.rank,
          due_at: position.dueAt === null ? Number.POSITIVE_INFINITY : new Date(position.dueAt).toISOString(),
        },
      );
      return row.data as never;
    },
    async thread(ticketId) {
      const found = await rows<{ id: string; body: string; data: object }>(
        `SELECT id, body, data FROM ${t('thread_entries')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return found.map((row) => ({ ...row.data, id: row.id, ticketId, body: row.body }) as ThreadEntry);
    },
    async audit(ticketId) {
      const found = await rows<{ data: AuditEvent }>(
        `SELECT data FROM ${t('audit_events')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return found.map((row) => row.data);
    },
    async outbox(ticketId) {
      const found = await rows<{ status: string; next_attempt_at: Date; data: OutboxMessage }>(
        `SELECT status, next_attempt_at, data FROM ${t('outbox')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return found.map((row) => {
        inStep(
          `outbox message ${row.data.id}`,
          { status: row.status, next_attempt_at: row.next_attempt_at.toISOString() },
          { status: row.data.status, next_attempt_at: row.data.nextAttemptAt },
        );
        return row.data;
      });
    },
    async deliveries(ticketId) {
      const found = await rows<{
        ticket_id: string;
        status: string;
        next_attempt_at: Date;
        claimed_by: string | null;
        claimed_until: Date | null;
        created_at: Date;
        data: Delivery;
      }>(
        `SELECT ticket_id, status, next_attempt_at, claimed_by, claimed_until, created_at, data
          FROM ${t('deliveries')} WHERE ticket_id = $1 ORDER BY seq`,
        [ticketId],
      );
      return found.map(({ data, ...columns }) => {
        inStep(
          `delivery ${data.id}`,
          {
            ticket_id: columns.ticket_id,
            status: columns.status,
            next_attempt_at: iso(columns.next_attempt_at),
            claimed_by: columns.claimed_by,
            claimed_until: iso(columns.claimed_until),
            created_at: iso(columns.created_at),
          },
          {
            ticket_id: data.ticketId,
            status: data.status,
            next_attempt_at: data.nextAttemptAt,
            claimed_by: data.claimedBy,
            claimed_until: data.claimedUntil,
            created_at: data.createdAt,
          },
        );
        return data;
      });
    },
    async accessToken(hash) {
      const [row] = await rows<{
        hash: string;
        ticket_id: string;
        created_at: Date;
        expires_at: Date | null;
        revoked_at: Date | null;
      }>(`SELECT hash, ticket_id, created_at, expires_at, revoked_at FROM ${t('access_tokens')} WHERE hash = $1`, [
        hash,
      ]);
      if (!row) return null;
      const record: AccessTokenRecord = {
        hash: row.hash,
        ticketId: row.ticket_id,
        createdAt: row.created_at.toISOString(),
        expiresAt: iso(row.expires_at),
        revokedAt: iso(row.revoked_at),
      };
      return record;
    },
    async idempotency(scope, key) {
      const [row] = await rows<{ data: never }>(
        `SELECT data FROM ${t('idempotency_keys')} WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      return row?.data ?? null;
    },
    async counts() {
      const [row] = await rows<Record<string, string>>(`SELECT
        (SELECT count(*) FROM ${t('tickets')}) AS tickets,
        (SELECT count(*) FROM ${t('thread_entries')}) AS thread,
        (SELECT count(*) FROM ${t('audit_events')}) AS audit,
        (SELECT count(*) FROM ${t('outbox')}) AS outbox,
        (SELECT count(*) FROM ${t('idempotency_keys')}) AS idempotency`);
      return {
        tickets: Number(row?.tickets),
        thread: Number(row?.thread),
        audit: Number(row?.audit),
        outbox: Number(row?.outbox),
        idempotency: Number(row?.idempotency),
      };
    },
  };
}

/**
 * What `runStorageConformance` runs each test against: an adapter on a new
 * schema over `pool`, with a backdoor on `raw` beside it; the schema is
 * dropped afterwards.
 */
export function conformanceTarget(
  pool: pg.Pool,
  raw: pg.Pool,
  options: Omit<PostgresStorageOptions, 'pool' | 'connectionString' | 'schema'> = {},
) {
  return async () => {
    const schema = schemaName();
    const adapter = postgresStorage({ pool, schema, ...options });
    return {
      adapter,
      backdoor: postgresBackdoor(raw, schema),
      cleanup: async () => {
        await adapter.close();
        await dropSchema(raw, schema);
      },
    };
  };
}
