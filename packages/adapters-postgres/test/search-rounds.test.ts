import {
  createHelpDesk,
  type HelpDesk,
  manualClock,
  rankSearchMatches,
  searchTerms,
  type Ticket,
  type TicketSearchQuery,
} from '@ticketkit/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PgPool, type PostgresStorage, postgresStorage } from '../src/index.js';
import { indexedTerms, nextSpanFactor } from '../src/search.js';
import { dropSchema, schemaName, testPool } from './support/temp-schema.js';

/**
 * Search reads the desk in rounds, newest stretch first (src/search.ts). The
 * answer must not depend on how the desk is cut: a storage whose first round
 * reads five entries and one that reads the whole desk at once give the same
 * pages, equal to core's reference ranking of every match; and a query of a
 * very common and a rare word asks the index for the rare one only, with the
 * same answer.
 */

const raw = testPool(4);
const schema = schemaName('tk_search');
const statements: string[] = [];
let desk: HelpDesk;
const storages: Record<'rounds' | 'whole' | 'windowed' | 'windowedWhole', PostgresStorage> = {} as never;

// A pool that remembers the statements sent through it.
function recordingPool(pool: pg.Pool): PgPool {
  return {
    query: ((text: string, values?: readonly unknown[]) => {
      statements.push(text);
      return pool.query(text, values as unknown[]);
    }) as PgPool['query'],
    connect: () => pool.connect() as never,
    end: () => pool.end(),
    on: (event, listener) => pool.on(event, listener),
  };
}

const TICKETS = 400;
// 'everywhere' is in every message, 'often' in half, 'rare' in three (under 1% of them), `topicN` in every 7th ticket's.
function bodyOf(index: number) {
  const words = ['everywhere', `topic${index % 7}`];
  if (index % 2 === 0) words.push('often');
  if (index % 150 === 0) words.push('rare');
  return words.join(' ');
}

beforeAll(async () => {
  const clock = manualClock('2026-03-02T09:00:00.000Z');
  desk = await createHelpDesk({ storage: postgresStorage({ pool: raw, schema }), clock });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  for (let index = 0; index < TICKETS; index++) {
    clock.advance(60_000);
    const ticket = await desk.tickets.open(
      { subject: index % 5 === 0 ? 'Special subject' : `Card ${index}`, body: bodyOf(index), departmentId: 'help' },
      { actor: { type: 'customer', email: `c${index % 30}@example.com` } },
    );
    // Some tickets get a second message later, so a ticket's entries are far apart in commit order.
    if (index % 3 === 0) {
      await desk.tickets.reply(ticket.id, { body: bodyOf(index + 1) }, { actor: { type: 'agent', id: 'ann' } });
    }
  }
  // The statistics the adapter reads to single out a rare term, as autovacuum would keep them.
  await raw.query(`ANALYZE "${schema}".thread_entries`);
  const pool = recordingPool(raw);
  storages.rounds = postgresStorage({ pool, schema, searchFirstSpan: 5 });
  storages.whole = postgresStorage({ pool, schema, searchFirstSpan: 1_000_000 });
  storages.windowed = postgresStorage({ pool, schema, searchFirstSpan: 3, searchWindow: 12 });
  storages.windowedWhole = postgresStorage({ pool, schema, searchFirstSpan: 1_000_000, searchWindow: 12 });
}, 60_000);

afterAll(async () => {
  await desk?.close();
  await dropSchema(raw, schema);
  await raw.end();
});

const query = (text: string, limit = 100, cursor: string | null = null): TicketSearchQuery => ({
  text,
  terms: searchTerms(text),
  filter: {},
  limit,
  cursor,
});

/** Every page of a search, as ids. */
async function allIds(storage: PostgresStorage, text: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.searchTickets(query(text, limit, cursor));
    ids.push(...page.items.map((ticket: Ticket) => ticket.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** Core's reference ranking of the newest 500 matching entries (the default window), read straight from the tables. */
async function referenceIds(text: string): Promise<string[]> {
  const { rows } = await raw.query<{ id: string; subject: string; number: string; created_at: Date; body: string }>(
    `SELECT t.id, t.subject, t.number, t.created_at, e.body
      FROM "${schema}".thread_entries e JOIN "${schema}".tickets t ON t.id = e.ticket_id ORDER BY e.seq DESC`,
  );
  const terms = searchTerms(text);
  const matching = rows
    .map((row) => ({ ...row, createdAt: row.created_at.getTime() }))
    .filter((row) => {
      const words = new Set(searchTerms(`${row.subject} ${row.number} ${row.body}`));
      return terms.every((term) => words.has(term));
    })
    .slice(0, 500);
  return rankSearchMatches(matching, terms).map((match) => match.id);
}

describe('search in rounds', () => {
  const texts = [
    'everywhere',
    'often',
    'rare',
    'topic3',
    'rare often',
    'everywhere rare',
    'special subject',
    'special rare',
    'nowhere',
  ];

  test.each(texts)('%s: many small rounds give what one round gives, the reference ranking', async (text) => {
    const expected = await referenceIds(text);
    expect(await allIds(storages.whole, text, 100)).toEqual(expected);
    expect(await allIds(storages.rounds, text, 100)).toEqual(expected);
    // Paged 7 at a time through the cursor: the same order.
    expect(await allIds(storages.rounds, text, 7)).toEqual(expected);
  });

  test('a window ranks the same newest matches however the desk is cut', async () => {
    for (const text of ['everywhere', 'often', 'topic3', 'rare']) {
      expect(await allIds(storages.windowed, text, 100)).toEqual(await allIds(storages.windowedWhole, text, 100));
    }
    // The window holds the 12 newest matching entries: never more than 12 tickets.
    expect((await allIds(storages.windowed, 'everywhere', 100)).length).toBeLessThanOrEqual(12);
  });

  test('a rare word beside a very common one is the only one asked of the index', async () => {
    const frequencies = new Map(
      (
        await raw.query<{ word: string; frequency: number }>(
          `SELECT word, frequency FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(word, frequency)
            WHERE schemaname = $1 AND tablename = 'thread_entries' AND attname = 'search'`,
          [schema],
        )
      ).rows.map((row) => [row.word, row.frequency]),
    );
    // 'everywhere' is in every entry; 'rare' in under 1% of them (or too few for the statistics to list).
    expect(frequencies.get('everywhere')).toBeGreaterThan(0.9);
    expect(frequencies.get('rare') ?? 0).toBeLessThan(0.01);
    statements.length = 0;
    await storages.rounds.searchTickets(query('everywhere rare'));
    const rounds = statements.filter((text) => text.includes('e.seq >'));
    expect(rounds.length).toBeGreaterThan(1);
    for (const text of rounds) expect(text).toMatch(/ts_match_vq\(e\.search/);
    // Two words neither of which is very common: both go to the index.
    statements.length = 0;
    await storages.rounds.searchTickets(query('rare topic3'));
    for (const text of statements.filter((text) => text.includes('e.seq >'))) expect(text).not.toMatch(/ts_match_vq/);
  });
});

describe('choosing rounds and terms', () => {
  test('the next stretch is sized from the matches found so far', () => {
    expect(nextSpanFactor(0, 500)).toBe(64);
    expect(nextSpanFactor(100, 400)).toBe(6);
    expect(nextSpanFactor(490, 10)).toBe(2);
    expect(nextSpanFactor(1, 499)).toBe(64);
  });

  test('a rare term is singled out only beside very common ones', () => {
    const frequencies = new Map([
      ['password', 0.95],
      ['reset', 0.48],
      ['transfer', 0.19],
      ['kaprelo', 0.013],
    ]);
    expect(indexedTerms(['password', 'preterlo'], frequencies)).toEqual(['preterlo']);
    expect(indexedTerms(['password', 'reset', 'preterlo'], frequencies)).toEqual(['preterlo']);
    // 'transfer' is common but not so common that testing it row by row beats intersecting lists.
    expect(indexedTerms(['transfer', 'preterlo'], frequencies)).toEqual(['transfer', 'preterlo']);
    // 'kaprelo' is in over 1% of the entries: not rare enough to read alone.
    expect(indexedTerms(['password', 'kaprelo'], frequencies)).toEqual(['password', 'kaprelo']);
    expect(indexedTerms(['preterlo'], frequencies)).toEqual(['preterlo']);
    // No statistics (a new desk): every term is unlisted, none is very common.
    expect(indexedTerms(['password', 'preterlo'], new Map())).toEqual(['password', 'preterlo']);
  });

  test('search options are checked', () => {
    expect(() => postgresStorage({ pool: raw, searchFirstSpan: 0 })).toThrow(/searchFirstSpan must be a whole number/);
    expect(() => postgresStorage({ pool: raw, searchWindow: 1.5 })).toThrow(/searchWindow must be a whole number/);
  });
});
