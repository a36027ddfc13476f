import { sha256Hex } from './digest.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastMs = 0;
let sequence = 0;
// Random bytes come from the CSPRNG in blocks: one call per 512 ids instead of two per id.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

/** `count` (at most 4096) bytes from the CSPRNG, served from a pooled block. */
export function randomBytes(count: number): Uint8Array {
  if (poolOffset + count > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A new id: a UUID v7 (RFC 9562) — a millisecond timestamp, a counter that
 * keeps ids made in the same millisecond in creation order, and 62 random
 * bits from the platform's CSPRNG. Time-ordered ids keep B-tree inserts local
 * and break ties between equal `createdAt` values in creation order.
 */
export function newId(): string {
  let ms = Date.now();
  const random = randomBytes(10);
  if (ms > lastMs) {
    lastMs = ms;
    // Start each millisecond at a random point in the lower half, leaving room to count up.
    sequence = (((random[8] ?? 0) << 8) | (random[9] ?? 0)) & 0x7ff;
  } else {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      lastMs += 1;
      ms = lastMs;
      sequence = 0;
    }
  }
  const time = ms.toString(16).padStart(12, '0');
  const tail = HEX[((random[0] ?? 0) & 0x3f) | 0x80] ?? '80';
  let rest = '';
  for (let index = 1; index < 8; index++) rest += HEX[random[index] ?? 0];
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${tail}${rest.slice(0, 2)}-${rest.slice(2)}`;
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
export function fingerprint(value: unknown): Promise<string> {
  return sha256Hex(JSON.stringify(canonical(value)));
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
