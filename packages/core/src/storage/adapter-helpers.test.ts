import { describe, expect, it } from 'vitest';
import type { Ticket } from '../schemas/ticket.js';
import { countCellOf, rankSearchMatches, sameCountCell, storageBatchSize } from './adapter-helpers.js';

const ticket = (fields: Partial<Ticket>) =>
  ({
    departmentId: 'support',
    status: 'open',
    slaState: 'ok',
    assigneeId: null,
    teamId: null,
    ...fields,
  }) as Ticket;

describe('storage adapter helpers', () => {
  it('storageBatchSize never hands SQL a negative or fractional LIMIT', () => {
    expect([-5, 0, 2.7, Number.NaN, 100].map(storageBatchSize)).toEqual([0, 0, 2, 0, 100]);
  });

  it('countCellOf puts unassigned tickets in the empty-string cell; sameCountCell compares cells', () => {
    expect(countCellOf(ticket({}))).toEqual(['support', 'open', 'ok', '', '']);
    const assigned = countCellOf(ticket({ assigneeId: 'ana', teamId: 'tier-1' }));
    expect(assigned).toEqual(['support', 'open', 'ok', 'ana', 'tier-1']);
    expect(sameCountCell(countCellOf(ticket({})), countCellOf(ticket({})))).toBe(true);
    expect(sameCountCell(countCellOf(ticket({})), assigned)).toBe(false);
  });

  it('rankSearchMatches keeps each ticket once at its best entry, best score first, then newest, then id', () => {
    const match = (id: string, createdAt: number, body: string, subject = 'Printer') => ({
      id,
      subject,
      number: `T-${id}`,
      createdAt,
      body,
    });
    const ranked = rankSearchMatches(
      [
        match('a', 1, 'crash'),
        match('a', 1, 'crash crash'),
        match('b', 2, 'crash', 'Crash on start'),
        match('c', 3, 'crash'),
        match('d', 3, 'crash'),
      ],
      ['crash'],
    );
    // b: a subject word (3) and a body word; a: its best entry has the word twice; d before c: same score and time, id descending.
    expect(ranked.map((row) => row.id)).toEqual(['b', 'a', 'd', 'c']);
  });
});
