import { expect, test } from 'vitest';
import { isTicketkitError } from '../errors/ticketkit-error.js';
import { decodeCursor, encodeCursor } from './cursor.js';

test('cursors round-trip, are URL-safe and opaque', () => {
  const position = ['2026-03-02T09:00:00.000Z', '0195d0c6-1a2b-7c3d-8e4f-5a6b7c8d9e0f', 42];
  const cursor = encodeCursor(position);
  expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(decodeCursor(cursor, ['string', 'string', 'number'])).toEqual(position);
  expect(decodeCursor(encodeCursor(['ünïcødé ✓']), ['string'])).toEqual(['ünïcødé ✓']);
});

test.each([
  ['garbage', '!!!'],
  ['not JSON', Buffer.from('hello').toString('base64url')],
  ['wrong length', encodeCursor(['a'])],
  ['wrong types', encodeCursor([1, 'b'])],
  ['not an array', Buffer.from('{"a":1}').toString('base64url')],
])('refuses a cursor that is %s', (_, cursor) => {
  let error: unknown;
  try {
    decodeCursor(cursor, ['string', 'string']);
  } catch (caught) {
    error = caught;
  }
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
});
