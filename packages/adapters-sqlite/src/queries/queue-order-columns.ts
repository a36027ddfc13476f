import { type QueuePosition, queuePosition, type Ticket } from '@ticketkit/core';

/**
 * The stored `due_at` of a ticket with nothing due: the largest time a Date
 * holds, so those tickets sort after every due time in the `priority`
 * indexes, and a keyset comparison never meets a NULL.
 */
export const NO_DUE_AT = 8_640_000_000_000_000;

/** The `priority` order's columns of a ticket: core's `queuePosition`, in the adapter's integers. */
export function queueOrderColumns(ticket: Ticket): { priority_rank: number; due_at: number } {
  const position = queuePosition(ticket);
  return { priority_rank: position.rank, due_at: position.dueAt === null ? NO_DUE_AT : Date.parse(position.dueAt) };
}

/** The keyset parameters of a `priority` cursor's position: (priority_rank, due_at, created_at, id). */
export function queueOrderParams(position: QueuePosition): [number, number, number, string] {
  return [
    position.rank,
    position.dueAt === null ? NO_DUE_AT : Date.parse(position.dueAt),
    Date.parse(position.createdAt),
    position.id,
  ];
}
