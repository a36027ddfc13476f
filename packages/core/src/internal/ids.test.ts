import { expect, test } from 'vitest';
import { fingerprint, isId, newId } from './ids.js';

test('ids are UUID v7, unique, and sort in creation order', () => {
  const ids = Array.from({ length: 5_000 }, () => newId());
  for (const id of ids.slice(0, 50))
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  expect(ids.every(isId)).toBe(true);
  expect(isId('123456')).toBe(false);
  expect(isId('TK-000042')).toBe(false);
});

test('fingerprints ignore key order and undefined fields, and see every value', async () => {
  const a = await fingerprint({ subject: 's', body: 'b', fields: { x: 1, y: [1, 2] } });
  const b = await fingerprint({ fields: { y: [1, 2], x: 1 }, body: 'b', subject: 's', topic: undefined });
  expect(a).toBe(b);
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(await fingerprint({ subject: 's', body: 'B', fields: { x: 1, y: [1, 2] } })).not.toBe(a);
  expect(await fingerprint({ subject: 's', body: 'b', fields: { x: 1, y: [2, 1] } })).not.toBe(a);
});
