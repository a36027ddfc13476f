import type { SqliteDatabase, SqliteStorage } from '@ticketkit/adapter-sqlite';
import type { HelpDesk, ThreadEntry, Ticket } from '@ticketkit/core';
// The baseline makes its rows the way ticketkit does: the same time-ordered ids and ten random digits.
import { newId as randomUUID } from '../../packages/core/src/internal/ids.js';
import { agentOf, DEPARTMENTS, random } from '../lib/dataset.js';
import { median } from '../lib/stats.js';
import type { Metric } from './metric.js';

const ROUNDS = 16;

/**
 * Runs `baseline` and `candidate` in alternating rounds of `perRound`
 * operations. Each round starts with an empty write-ahead log and ends by
 * checkpointing it, inside the timing: each side pays for exactly the pages
 * it wrote, and a checkpoint (an fsync) never lands at random in one side's
 * round. Each round's ratio compares two runs a few milliseconds apart, so
 * drift on a shared machine hits both sides alike; the figure is the median.
 */
async function compare(
  db: SqliteDatabase,
  perRound: number,
  baseline: (index: number) => void,
  candidate: (index: number) => Promise<unknown>,
) {
  const base: number[] = [];
  const ours: number[] = [];
  const ratios: number[] = [];
  let counter = 0;
  const timed = async (run: () => unknown) => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const start = process.hrtime.bigint();
    await run();
    db.pragma('wal_checkpoint(PASSIVE)');
    return Number(process.hrtime.bigint() - start) / 1e3 / perRound;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const baseUs = await timed(() => {
      for (let index = 0; index < perRound; index++) baseline(counter++);
    });
    const oursUs = await timed(async () => {
      for (let index = 0; index < perRound; index++) await candidate(counter++);
    });
    // The first round warms caches and the JIT.
    if (round === 0) continue;
    base.push(baseUs);
    ours.push(oursUs);
    ratios.push(oursUs / baseUs);
  }
  return { baseUs: median(base), oursUs: median(ours), ratio: median(ratios) };
}

/**
 * Write overhead: what ticketkit adds on top of the cheapest way to put the
 * same rows into the same SQLite file (same schema and indexes, the same
 * count cells and search rows), measured in the same run.
 */
export async function writeOverhead(desk: HelpDesk, storage: SqliteStorage, perRound: number): Promise<Metric[]> {
  const db = storage.database;
  // Checkpoints happen at the end of each measured round instead (see compare).
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true });
  db.pragma('wal_autocheckpoint = 0');
  const rng = random(7);
  const template = (await storage.listTickets({ filter: {}, order: 'newest', limit: 1 })).items[0] as Ticket;

  // Baseline for open: the ticket row and its first message, prepared INSERTs in one transaction.
  const insertTicket =
    db.prepare(`INSERT INTO tickets (id, number, status, department_id, team_id, assignee_id, sla_state,
    requester_email, subject, created_at, next_check_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertEntry = db.prepare(
    "INSERT INTO ticket_log (id, ticket_seq, kind, body, data) VALUES (?, ?, 'entry', ?, ?)",
  );
  // Since schema 4 the counts and the search index are written by the commit, not by triggers: so by the baseline too.
  const countIn = db.prepare(`UPDATE ticket_counts SET n = n + 1 WHERE department_id = ? AND status = ?
    AND sla_state = ? AND assignee_id = ? AND team_id = ?`);
  const countOut = db.prepare(`UPDATE ticket_counts SET n = n - 1 WHERE department_id = ? AND status = ?
    AND sla_state = ? AND assignee_id = ? AND team_id = ?`);
  const indexEntry = db.prepare('INSERT INTO thread_search (rowid, subject, number, body) VALUES (?, ?, ?, ?)');
  const rawOpen = db.transaction((ticket: Ticket, entry: ThreadEntry) => {
    const seq = insertTicket.run(
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
    countIn.run(ticket.departmentId, ticket.status, ticket.slaState, '', '');
    const { body, ...rest } = entry;
    const entrySeq = insertEntry.run(entry.id, seq, body, JSON.stringify(rest)).lastInsertRowid;
    indexEntry.run(entrySeq, ticket.subject, ticket.number, body);
  });
  const subjects = Array.from({ length: 1024 }, () => rng.words(3));
  const bodies = Array.from({ length: 1024 }, () => rng.words(25));
  const randomNumber = () => String(Math.floor(Math.random() * 1e10)).padStart(10, '0');
  const open = await compare(
    db,
    perRound,
    (index) => {
      const id = randomUUID();
      const at = new Date().toISOString();
      const ticket: Ticket = {
        ...template,
        id,
        number: randomNumber(),
        subject: subjects[index % 1024] as string,
        status: 'open',
        assigneeId: null,
        teamId: null,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const entry: ThreadEntry = {
        id: randomUUID(),
        ticketId: id,
        kind: 'message',
        internal: false,
        author: { type: 'customer', email: ticket.requester.email, name: null },
        body: bodies[index % 1024] as string,
        data: null,
        createdAt: at,
      };
      // Random numbers collide now and then at a million tickets; like ticketkit, draw another one.
      for (;;) {
        try {
          rawOpen.immediate(ticket, entry);
          return;
        } catch (error) {
          if (!String(error).includes('tickets.number')) throw error;
          ticket.number = randomNumber();
        }
      }
    },
    (index) =>
      desk.tickets.open(
        {
          subject: subjects[index % 1024] as string,
          body: bodies[index % 1024] as string,
          departmentId: DEPARTMENTS[index % 10],
        },
        { actor: { type: 'customer', email: `writer${index % 1000}@example.com` } },
      ),
  );

  // Targets: open tickets, one set for the baseline and one for ticketkit.
  const active = db
    .prepare("SELECT id, department_id FROM tickets WHERE status = 'open' ORDER BY seq DESC LIMIT 4000")
    .all() as { id: string; department_id: string }[];
  const ours = active.filter((_, index) => index % 2 === 0);
  const theirs = active.filter((_, index) => index % 2 === 1).map((row) => row.id);

  // Baseline for a command: read the row, an optimistic UPDATE of it (with the assignee column when
  // the command assigns), and the thread INSERT.
  const readTicket = db.prepare('SELECT seq, version, data FROM tickets WHERE id = ?');
  const updateTicket = db.prepare('UPDATE tickets SET version = ?, data = ? WHERE id = ? AND version = ?');
  const updateAssignee = db.prepare(
    'UPDATE tickets SET assignee_id = ?, version = ?, data = ? WHERE id = ? AND version = ?',
  );
  const rawCommand = db.transaction((id: string, body: string, assigneeId?: string) => {
    const row = readTicket.get(id) as { seq: number; version: number; data: string };
    const ticket = JSON.parse(row.data) as Ticket;
    const at = new Date().toISOString();
    const next = { ...ticket, version: row.version + 1, updatedAt: at, assigneeId: assigneeId ?? ticket.assigneeId };
    const written = assigneeId
      ? updateAssignee.run(assigneeId, next.version, JSON.stringify(next), id, row.version)
      : updateTicket.run(next.version, JSON.stringify(next), id, row.version);
    if (written.changes !== 1) throw new Error('conflict');
    if (assigneeId && assigneeId !== ticket.assigneeId) {
      const cell = [ticket.departmentId, ticket.status, ticket.slaState] as const;
      countOut.run(...cell, ticket.assigneeId ?? '', ticket.teamId ?? '');
      countIn.run(...cell, assigneeId, ticket.teamId ?? '');
    }
    const entry = {
      id: randomUUID(),
      ticketId: id,
      kind: 'reply',
      internal: false,
      author: { type: 'agent', id: 'a', name: null },
      data: null,
      createdAt: at,
    };
    const entrySeq = insertEntry.run(entry.id, row.seq, body, JSON.stringify(entry)).lastInsertRowid;
    indexEntry.run(entrySeq, ticket.subject, ticket.number, body);
  });
  const target = (list: readonly { id: string; department_id: string }[], index: number) =>
    list[index % list.length] as { id: string; department_id: string };
  const agentFor = (department: string) => agentOf(DEPARTMENTS.indexOf(department));
  const reply = await compare(
    db,
    perRound,
    (index) => rawCommand.immediate(theirs[index % theirs.length] as string, bodies[index % 1024] as string),
    (index) => {
      const { id, department_id } = target(ours, index);
      return desk.tickets.reply(id, { body: bodies[index % 1024] as string }, { actor: agentFor(department_id) });
    },
  );
  const assign = await compare(
    db,
    perRound,
    (index) => {
      const id = theirs[index % theirs.length] as string;
      const department = db.prepare('SELECT department_id FROM tickets WHERE id = ?').pluck().get(id) as string;
      rawCommand.immediate(id, 'Assigned to an agent', agentOf(DEPARTMENTS.indexOf(department), index % 5).id);
    },
    (index) => {
      const { id, department_id } = target(ours, index);
      const actor = agentFor(department_id);
      const agentId = agentOf(DEPARTMENTS.indexOf(department_id), index % 5).id;
      return desk.tickets.assign(id, { agentId }, { actor });
    },
  );

  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  const metric = (
    name: string,
    result: { baseUs: number; oursUs: number; ratio: number },
    baseline: string,
  ): Metric => ({
    name,
    value: result.ratio,
    unit: '× baseline',
    goal: 1.5,
    detail: `${result.oursUs.toFixed(1)} µs vs ${result.baseUs.toFixed(1)} µs (${baseline})`,
  });
  return [
    metric('open a ticket', open, 'raw INSERT ticket + message'),
    metric('reply to a ticket', reply, 'raw optimistic UPDATE + INSERT'),
    metric('assign a ticket', assign, 'raw optimistic UPDATE of the assignee + INSERT'),
  ];
}
