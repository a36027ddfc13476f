import assert from 'node:assert/strict';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import type { Case, ConformanceSubject } from './conformance-support.js';
import { expectConflict, insert } from './conformance-support.js';
import { makeAuditEvent, makeThreadEntry, makeTicket } from './fixtures.js';

/**
 * `writers` updates of one ticket from version 1 at once: exactly one may
 * win, every other is a `CONFLICT` on version, and only the winner's entry
 * and audit event are kept.
 */
export async function raceFromOneVersion({ adapter, backdoor }: ConformanceSubject, writers: number): Promise<void> {
  const ticket = makeTicket();
  await insert(adapter, ticket);
  const results = await Promise.allSettled(
    Array.from({ length: writers }, (_, index) => {
      const next = { ...ticket, subject: `writer ${index}`, version: 2 };
      return adapter.commit({
        ticket: { kind: 'update', ticket: next, expectedVersion: 1 },
        thread: [makeThreadEntry(ticket, { body: `writer ${index}` })],
        audit: [makeAuditEvent(next)],
      });
    }),
  );
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1, 'exactly one update may win');
  for (const result of results) if (result.status === 'rejected') expectConflict(result.reason, 'version');
  const stored = await backdoor.ticket(ticket.id);
  assert.equal(stored?.version, 2);
  assert.deepEqual(
    (await backdoor.thread(ticket.id)).map((entry) => entry.body),
    [stored?.subject],
    "only the winner's entry is kept",
  );
  assert.deepEqual(
    (await backdoor.audit(ticket.id)).map((event) => event.version),
    [2],
    "only the winner's audit event is kept",
  );
}

/**
 * The concurrent-commit tests, for adapters that take concurrent writers
 * (`concurrency` option of `runStorageConformance`): `writers` commits on
 * one ticket at once.
 */
export function concurrencyCases(writers: number): Record<string, Case> {
  return {
    async [`concurrency: ${writers} parallel commits from one version: one wins, the rest are CONFLICT`](subject) {
      await raceFromOneVersion(subject, writers);
    },

    async [`concurrency: ${writers} writers retrying on CONFLICT lose nothing, one commit per version`]({
      adapter,
      backdoor,
    }) {
      const ticket = makeTicket();
      await insert(adapter, ticket);
      await Promise.all(
        Array.from({ length: writers }, async (_, index) => {
          for (let attempt = 0; attempt < 500; attempt++) {
            const current = await adapter.getTicket({ id: ticket.id });
            assert.ok(current, 'the ticket is there');
            const next = { ...current, version: current.version + 1 };
            try {
              await adapter.commit({
                ticket: { kind: 'update', ticket: next, expectedVersion: current.version },
                thread: [makeThreadEntry(ticket, { body: `writer ${index}` })],
                audit: [makeAuditEvent(next)],
              });
              return;
            } catch (error) {
              if (!isTicketkitError(error, 'CONFLICT')) throw error;
              expectConflict(error, 'version');
            }
          }
          assert.fail(`writer ${index} never got a commit in`);
        }),
      );
      assert.equal((await backdoor.ticket(ticket.id))?.version, 1 + writers);
      assert.deepEqual(
        (await backdoor.thread(ticket.id)).map((entry) => entry.body).sort(),
        Array.from({ length: writers }, (_, index) => `writer ${index}`).sort(),
        "every writer's entry is kept once",
      );
      assert.deepEqual(
        (await backdoor.audit(ticket.id)).map((event) => event.version),
        Array.from({ length: writers }, (_, index) => index + 2),
        'one commit per version, in version order',
      );
    },
  };
}
