import { expect, test } from 'vitest';
import * as z from 'zod';
import { createHelpDesk, DEFAULT_CUSTOM_FIELD_LIMITS, isTicketkitError } from '../src/index.js';
import { actors, createTestDesk, storageSnapshot } from './support/test-desk.js';

/**
 * Custom fields are bounded by default, with or without a host schema: an
 * anonymous form cannot store a megabyte or thousands of keys per ticket.
 */

const manyKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { inner: nested(depth - 1) });

/** The error's field paths, or a description of what happened instead. */
async function refusal(work: () => Promise<unknown>): Promise<string[]> {
  try {
    await work();
  } catch (error) {
    if (!isTicketkitError(error, 'VALIDATION_FAILED')) throw error;
    return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }
  return ['accepted'];
}

const HOSTILE: [string, Record<string, unknown>, string][] = [
  ['a 1 MB value', { notes: 'x'.repeat(1_048_576) }, 'fields.notes: must be at most 2000 characters'],
  ['5,000 keys', manyKeys(5_000), 'fields: must have at most 64 keys'],
  ['keys hidden in a nested object', { meta: manyKeys(500) }, 'fields: must have at most 64 keys'],
  ['deep nesting', { a: nested(10) }, 'fields.a.inner.inner.inner: nests deeper than the limit of 4'],
  [
    '20 KB spread over short values',
    Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'y'.repeat(1_000)])),
    'fields: must be at most 16384 bytes as JSON',
  ],
  ['a long string in an array', { tags: ['ok', 'z'.repeat(2_001)] }, 'fields.tags.1: must be at most 2000 characters'],
];

for (const [what, fields, expected] of HOSTILE) {
  test(`open refuses ${what} without a field schema, writing nothing`, async () => {
    const { desk, storage } = await createTestDesk();
    const before = storageSnapshot(storage);
    const refused = await refusal(() =>
      desk.tickets.open(
        { subject: 'Hi', body: 'Hello', departmentId: 'help', fields: fields as never },
        { actor: actors.ken },
      ),
    );
    expect(refused).toEqual([expected]);
    expect(storageSnapshot(storage)).toBe(before);
  });
}

test('update refuses fields that would break the limits, alone or merged with the stored ones', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open({ fields: manyKeys(40) });
  const before = storageSnapshot(storage);
  expect(
    await refusal(() => desk.tickets.update(ticket.id, { fields: manyKeys(5_000) }, { actor: actors.ann })),
  ).toEqual(['fields: must have at most 64 keys']);
  const more = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`extra${i}`, i]));
  expect(await refusal(() => desk.tickets.update(ticket.id, { fields: more }, { actor: actors.ann }))).toEqual([
    'fields: must have at most 64 keys',
  ]);
  expect(storageSnapshot(storage)).toBe(before);
  const updated = await desk.tickets.update(ticket.id, { fields: { k0: 'changed' } }, { actor: actors.ann });
  expect(updated.fields.k0).toBe('changed');
});

test('the limits hold with a host schema too, before and after it', async () => {
  // A schema that accepts anything, and one that inflates what it is given.
  const loose = await createTestDesk({ fields: z.record(z.string(), z.unknown()) });
  expect(await refusal(() => loose.open({ fields: { notes: 'x'.repeat(1_048_576) } }, actors.ken))).toEqual([
    'fields.notes: must be at most 2000 characters',
  ]);
  const inflating = await createTestDesk({
    fields: z.object({ n: z.number() }).transform(({ n }) => ({ n, padding: 'p'.repeat(n) })),
  });
  expect(await refusal(() => inflating.open({ fields: { n: 5_000 } }, actors.ken))).toEqual([
    'fields.padding: must be at most 2000 characters',
  ]);
  expect((await inflating.open({ fields: { n: 3 } }, actors.ken)).fields).toEqual({ n: 3, padding: 'ppp' });
});

test('fieldLimits are configurable and checked when the desk is created', async () => {
  const roomy = await createTestDesk({ fieldLimits: { maxKeys: 6_000, maxBytes: 1_000_000 } });
  const ticket = await roomy.open({ fields: manyKeys(5_000) }, actors.ken);
  expect(Object.keys(ticket.fields)).toHaveLength(5_000);
  const strict = await createTestDesk({ fieldLimits: { maxDepth: 1 } });
  expect(await refusal(() => strict.open({ fields: { a: { b: 1 } } }, actors.ken))).toEqual([
    'fields.a: nests deeper than the limit of 1',
  ]);
  const [bad] = await refusal(() => createTestDesk({ fieldLimits: { maxKeys: -1 } }));
  expect(bad).toMatch(/^fieldLimits\.maxKeys: /);
  expect(DEFAULT_CUSTOM_FIELD_LIMITS).toEqual({ maxBytes: 16_384, maxKeys: 64, maxDepth: 4, maxStringLength: 2_000 });
});

test('a follow-up of a ticket whose fields predate stricter limits still opens, without copying them', async () => {
  const roomy = await createTestDesk({ fieldLimits: { maxKeys: 1_000 } });
  const ticket = await roomy.open({ fields: manyKeys(100) }, actors.ken);
  await roomy.desk.tickets.assign(ticket.id, { agentId: 'ann' }, { actor: actors.ann });
  await roomy.desk.tickets.resolve(ticket.id, { resolutionNote: 'Done', body: 'Done' }, { actor: actors.ann });
  await roomy.desk.tickets.confirmResolution(ticket.id, {}, { actor: actors.ken });
  // The same storage under the default limits, a month later.
  const strict = await createHelpDesk({ storage: roomy.storage, clock: roomy.clock, logger: roomy.logger });
  roomy.clock.advance('31d');
  const followUp = await strict.tickets.reply(ticket.id, { body: 'Again' }, { actor: actors.ken });
  expect(followUp).toMatchObject({ followUpOf: ticket.id, fields: {} });
});
