const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastMs = 0;
let sequence = 0;

/**
 * A new id: a UUID v7 (RFC 9562) — a millisecond timestamp, a counter that
 * keeps ids made in the same millisecond in creation order, and 62 random
 * bits from the platform's CSPRNG. Time-ordered ids keep B-tree inserts local
 * and break ties between equal `createdAt` values in creation order.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // Start each millisecond at a random point in the lower half, leaving room to count up.
    sequence = globalThis.crypto.getRandomValues(new Uint16Array(1))[0] ?? 0;
    sequence &= 0x7ff;
  } else {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      ms = lastMs;
      sequence = 0;
    }
  }
  const random = globalThis.crypto.getRandomValues(new Uint8Array(8));
  const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
  const tail = [...random].map((byte) => hex(byte, 2)).join('');
  const variant = hex(0x8 | ((random[0] ?? 0) & 0x3), 1);
  const time = hex(ms, 12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(sequence, 3)}-${variant}${tail.slice(1, 4)}-${tail.slice(4, 16)}`;
}

/** Whether a ticket reference is an id rather than a number (numbers are never UUID-shaped). */
export function isId(ref: string): boolean {
  return UUID.test(ref);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** A SHA-256 hex digest of a value's canonical JSON (keys sorted), to recognise a repeated request. */
export async function fingerprint(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(canonical(value)));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
