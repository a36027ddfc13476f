import type { PostgresStorage } from '@ticketkit/adapter-postgres';
import type pg from 'pg';

/** How {@link bulkLoad} fills a schema. */
export interface BulkLoadOptions {
  /** Tickets to add. */
  count: number;
  /** The first added ticket's creation time; each next one `stepMs` later. */
  from: Date;
  /** Milliseconds between two added tickets. */
  stepMs: number;
  /** The words subjects and bodies are drawn from, common ones first (drawn Zipf-like, as bench/lib/dataset.ts does). */
  vocabulary: readonly string[];
  /** Called after each part with the tickets added so far. */
  progress?: (added: number) => void;
}

// Tickets per INSERT … SELECT: a transaction of a few hundred MB at most.
const PART = 100_000;

/**
 * Fills a desk's schema with `count` more tickets in SQL, fast enough for a
 * million: copies of the tickets the API wrote (the templates: their status,
 * department, agent, SLA state, JSON and thread and audit shape) with new
 * ids, numbers, times, subjects and bodies drawn from the vocabulary, each
 * thread entry with its search vector built as the adapter builds it (the
 * distinct words of subject, number and body, `array_to_tsvector`). The
 * secondary indexes are dropped first and built again after, and the count
 * cells are recomputed from the rows. Only for the exact-words search (no
 * `searchLanguage`). Outbox messages and deliveries are not copied: the
 * benchmark reads neither at scale.
 */
export async function bulkLoad(pool: pg.Pool, schema: string, options: BulkLoadOptions): Promise<void> {
  const t = (name: string) => `"${schema}"."${name}"`;
  const client = await pool.connect();
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`CREATE TEMP TABLE bulk_templates ON COMMIT PRESERVE ROWS AS
      SELECT row_number() OVER (ORDER BY id) - 1 AS rn, * FROM ${t('tickets')}`);
    await client.query(`CREATE TEMP TABLE bulk_entries AS
      SELECT b.rn, row_number() OVER (PARTITION BY e.ticket_id ORDER BY e.seq) AS ord, e.data
      FROM ${t('thread_entries')} e JOIN bulk_templates b ON b.id = e.ticket_id`);
    await client.query(`CREATE TEMP TABLE bulk_audit AS
      SELECT b.rn, row_number() OVER (PARTITION BY a.ticket_id ORDER BY a.seq) AS ord, a.data
      FROM ${t('audit_events')} a JOIN bulk_templates b ON b.id = a.ticket_id`);
    await client.query('CREATE INDEX ON bulk_entries (rn); CREATE INDEX ON bulk_audit (rn); ANALYZE');
    const templates = Number((await client.query('SELECT count(*) AS n FROM bulk_templates')).rows[0].n);
    if (templates === 0) throw new Error('bulkLoad copies tickets the API wrote: load some first');

    // Secondary indexes go while the rows go in, and come back built in one pass each.
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
        WHERE i.schemaname = $1 AND i.tablename IN ('tickets', 'thread_entries', 'audit_events')
          AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = $1::regnamespace)`,
      [schema],
    );
    for (const index of indexes) await client.query(`DROP INDEX "${schema}"."${index.name}"`);

    // A word of the vocabulary, common ones far more often (as bench/lib/dataset.ts draws them); `g` keeps
    // PostgreSQL from computing the words once for every row.
    const words = (vocabulary: string, count: string) =>
      `(SELECT string_agg((${vocabulary}::text[])[1 + floor(power(random(), 4) * array_length(${vocabulary}::text[], 1))::int], ' ')
        FROM generate_series(1, ${count}))`;
    const iso = (time: string) => `to_char(${time} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    for (let first = 0; first < options.count; first += PART) {
      const last = Math.min(options.count, first + PART) - 1;
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE bulk_new ON COMMIT DROP AS
          SELECT g, g % $3 AS rn, 'bulk-' || lpad(g::text, 9, '0') AS id, 'B' || lpad(g::text, 9, '0') AS number,
            $4::timestamptz + g * $6 * interval '1 millisecond' AS created_at,
            ${words('$5', '2 + (g % 2)')} AS subject
          FROM generate_series($1::bigint, $2::bigint) g`,
        [first, last, templates, options.from.toISOString(), options.vocabulary, options.stepMs],
      );
      await client.query(
        `INSERT INTO ${t('tickets')} (id, number, status, department_id, team_id, assignee_id, sla_state,
            requester_email, subject, created_at, next_check_at, priority_rank, due_at, version, data)
          SELECT n.id, n.number, b.status, b.department_id, b.team_id, b.assignee_id, b.sla_state,
            b.requester_email, n.subject, n.created_at, n.created_at + (b.next_check_at - b.created_at),
            -- The queue order's columns as the template's (its JSON's SLA due times are copied as they are).
            b.priority_rank, b.due_at, b.version,
            b.data || jsonb_build_object('id', n.id, 'number', n.number, 'subject', n.subject,
              'createdAt', ${iso('n.created_at')}, 'updatedAt', ${iso('n.created_at')})
          FROM bulk_new n JOIN bulk_templates b USING (rn) ORDER BY n.g`,
      );
      await client.query(
        `INSERT INTO ${t('thread_entries')} (id, ticket_id, body, search, data)
          SELECT x.id, x.ticket_id, x.body,
            array_to_tsvector(ARRAY(SELECT DISTINCT w FROM unnest(string_to_array(
              x.subject || ' ' || lower(x.number) || ' ' || x.body, ' ')) w)),
            x.data || jsonb_build_object('createdAt', x.at)
          FROM (
            SELECT n.id || '-e' || e.ord AS id, n.id AS ticket_id, n.subject, n.number, n.g, e.ord, e.data,
              ${iso('n.created_at')} AS at, ${words('$1', '12 + (n.g * 7 + e.ord) % 30')} AS body
            FROM bulk_new n JOIN bulk_entries e USING (rn)
          ) x ORDER BY x.g, x.ord`,
        [options.vocabulary],
      );
      await client.query(
        `INSERT INTO ${t('audit_events')} (id, ticket_id, data)
          SELECT n.id || '-a' || a.ord, n.id,
            a.data || jsonb_build_object('id', n.id || '-a' || a.ord, 'ticketId', n.id, 'at', ${iso('n.created_at')})
          FROM bulk_new n JOIN bulk_audit a USING (rn) ORDER BY n.g, a.ord`,
      );
      await client.query('COMMIT');
      options.progress?.(last + 1);
    }
    // Every count cell from the rows, as the commits would have kept them.
    await client.query('BEGIN');
    await client.query(`DELETE FROM ${t('ticket_counts')}`);
    await client.query(
      `INSERT INTO ${t('ticket_counts')} (department_id, status, sla_state, assignee_id, team_id, n)
        SELECT department_id, status, sla_state, coalesce(assignee_id, ''), coalesce(team_id, ''), count(*)
        FROM ${t('tickets')} GROUP BY 1, 2, 3, 4, 5`,
    );
    await client.query('COMMIT');
    for (const index of indexes) await client.query(index.definition);
    await client.query(
      `VACUUM ANALYZE ${t('tickets')}, ${t('thread_entries')}, ${t('audit_events')}, ${t('ticket_counts')}`,
    );
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.query('DROP TABLE IF EXISTS bulk_templates, bulk_entries, bulk_audit').catch(() => {});
    client.release();
  }
}

/**
 * Checks a bulk-loaded schema through the adapter's own reads: each count
 * the adapter gives (from its count cells) equals a `count(*)` over the
 * rows, a copied ticket reads back whole with its thread, and search finds
 * it by its number. Throws on the first difference.
 */
export async function verifyBulkLoad(pool: pg.Pool, schema: string, storage: PostgresStorage): Promise<string> {
  const t = (name: string) => `"${schema}"."${name}"`;
  const active = ['open', 'in_progress', 'awaiting_customer'] as const;
  const filters = {
    all: { where: 'true', filter: {} },
    work: { where: "status IN ('open', 'in_progress')", filter: { statuses: ['open', 'in_progress'] } },
    department: { where: "department_id = 'dept-3'", filter: { departmentIds: ['dept-3'] } },
    unassigned: {
      where: "status IN ('open', 'in_progress', 'awaiting_customer') AND assignee_id IS NULL AND team_id IS NULL",
      filter: { statuses: [...active], unassigned: true },
    },
    breached: { where: "sla_state = 'breached'", filter: { slaStates: ['breached'] } },
    closed: { where: "status = 'closed'", filter: { statuses: ['closed'] } },
  } as const;
  const counted = await storage.countTickets(
    Object.fromEntries(Object.entries(filters).map(([name, { filter }]) => [name, filter])),
  );
  const checked: string[] = [];
  for (const [name, { where }] of Object.entries(filters)) {
    const { rows } = await pool.query(`SELECT count(*) AS n FROM ${t('tickets')} WHERE ${where}`);
    const actual = Number(rows[0].n);
    if (counted[name] !== actual)
      throw new Error(`bulk load: count "${name}" is ${counted[name]}, the rows say ${actual}`);
    checked.push(`${name} ${actual.toLocaleString('en-US')}`);
  }
  const { rows: sample } = await pool.query<{ id: string; number: string; entries: string }>(
    `SELECT t.id, t.number, (SELECT count(*) FROM ${t('thread_entries')} e WHERE e.ticket_id = t.id) AS entries
      FROM ${t('tickets')} t WHERE t.id LIKE 'bulk-%' ORDER BY t.id DESC LIMIT 1`,
  );
  const copy = sample[0];
  if (copy) {
    const ticket = await storage.getTicket({ id: copy.id });
    const thread = await storage.listThread(copy.id);
    if (ticket?.id !== copy.id || ticket.number !== copy.number)
      throw new Error(`bulk load: ${copy.id} reads back wrong`);
    if (thread.length !== Number(copy.entries)) throw new Error(`bulk load: ${copy.id} has a wrong thread`);
    const found = await storage.searchTickets({
      text: copy.number,
      terms: [copy.number.toLowerCase()],
      filter: {},
      limit: 5,
    });
    if (found.items[0]?.id !== copy.id) throw new Error(`bulk load: search by number does not find ${copy.id}`);
  }
  return `counts equal count(*) (${checked.join(', ')}); a copied ticket reads back with its ${copy?.entries ?? 0} thread entries and is found by its number`;
}
