import { TicketkitError } from '../errors/ticketkit-error.js';

/**
 * Encodes a keyset position as an opaque, URL-safe cursor. Adapters use it
 * for `nextCursor` so every adapter's cursors look alike to clients.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  const json = JSON.stringify(position);
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes a cursor made by {@link encodeCursor} and checks its shape: one
 * entry per `shape` item, `'string'` or `'number'`. A cursor that was not made
 * here is refused with `VALIDATION_FAILED` on the `cursor` field.
 */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  const refuse = () =>
    new TicketkitError('VALIDATION_FAILED', 'Invalid cursor: pass back a nextCursor returned by this list', {
      issues: [{ path: ['cursor'], message: 'is not a cursor returned by this list' }],
    });
  let position: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    position = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
    );
  } catch {
    throw refuse();
  }
  if (!Array.isArray(position) || position.length !== shape.length) throw refuse();
  position.forEach((value, index) => {
    if (typeof value !== shape[index] || (typeof value === 'number' && !Number.isFinite(value))) throw refuse();
  });
  return position as (string | number)[];
}
