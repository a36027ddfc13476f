import * as core from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { expect, test, vi } from 'vitest';

/**
 * A host can end up with two copies of `@ticketkit/core` (its own, and one under an adapter's or the server's
 * `node_modules`). Errors built by one copy's class must keep their code in the other: a `CONFLICT` from the
 * adapter's copy is retried by the desk, not turned into `STORAGE_FAILED`, and the server maps the desk's
 * `NOT_FOUND` to 404, not 500. The second copy is a fresh evaluation of the same module (`vi.resetModules`).
 */

async function secondCopyOfCore(): Promise<typeof core> {
  vi.resetModules();
  const copy = await import('@ticketkit/core');
  expect(copy.TicketkitError).not.toBe(core.TicketkitError);
  return copy;
}

const ann = { type: 'agent', id: 'ann' } as const;
const ken = { type: 'customer', email: 'ken@example.com' } as const;

test('an error from another copy of core is recognised by isTicketkitError and instanceof', async () => {
  const other = await secondCopyOfCore();
  const error = new other.TicketkitError('CONFLICT', 'changed meanwhile', { target: 'version' });
  expect(core.isTicketkitError(error, 'CONFLICT')).toBe(true);
  expect(error instanceof core.TicketkitError).toBe(true);
  expect(core.isTicketkitError(new Error('plain'))).toBe(false);
  expect(core.isTicketkitError({ code: 'CONFLICT' })).toBe(false);
  // The brand lives on the prototype: it stays out of JSON and of spreads.
  expect(Object.keys(error)).not.toContain(String(core.TICKETKIT_ERROR_BRAND));
  expect(JSON.parse(JSON.stringify(error)).code).toBe('CONFLICT');
});

test('CONFLICTs thrown by an adapter built on another copy of core are retried, not turned into STORAGE_FAILED', async () => {
  const other = await secondCopyOfCore();
  const desk = await core.createHelpDesk({ storage: other.memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const ticket = await desk.tickets.open({ subject: 'Help', body: 'Please', departmentId: 'help' }, { actor: ken });
  const notes = await Promise.allSettled(
    Array.from({ length: 10 }, (_, n) => desk.tickets.note(ticket.number, { body: `note ${n}` }, { actor: ann })),
  );
  expect(notes.filter((note) => note.status === 'rejected').map((note) => String(note.reason))).toEqual([]);
  const thread = await desk.tickets.thread(ticket.number, { actor: ann });
  expect(thread.filter((entry) => entry.kind === 'note')).toHaveLength(10);
  await desk.close();
});

test("the server maps a desk's errors from another copy of core by their code", async () => {
  const other = await secondCopyOfCore();
  const desk = await other.createHelpDesk({ storage: other.memoryStorage(), logger: { warn() {}, error() {} } });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', role: 'admin' });
  const api = createSupportApi(desk, { authenticate: () => ann, onError: () => {} });
  const response = await api.fetch(new Request('http://desk.test/tickets/999999'));
  expect(response.status).toBe(404);
  expect(((await response.json()) as { code: string }).code).toBe('NOT_FOUND');
  await desk.close();
});
