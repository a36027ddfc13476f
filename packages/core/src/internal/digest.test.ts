import { createHmac } from 'node:crypto';
import { expect, test } from 'vitest';
import { hmacSha256Base64url, sha256Hex } from './digest.js';

// FIPS 180-2 test vectors, and UTF-8 text beyond ASCII (a lone surrogate encodes as U+FFFD in both paths).
const vectors: [string, string][] = [
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
];

test.each(vectors)('SHA-256 of %j is the standard digest on both paths', async (text, hex) => {
  expect(await sha256Hex(text)).toBe(hex);
  expect(await sha256Hex(text, 'webcrypto')).toBe(hex);
});

test('both paths hash UTF-8 alike, lone surrogates included', async () => {
  for (const text of ['Überweisung fehlgeschlagen 💳', 'half \ud800 pair', 'x'.repeat(100_000)]) {
    expect(await sha256Hex(text)).toBe(await sha256Hex(text, 'webcrypto'));
  }
});

test('HMAC-SHA256 is the standard MAC, base64url, on both paths', async () => {
  // RFC 4231 test case 2.
  const rfc = Buffer.from('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hex').toString(
    'base64url',
  );
  expect(await hmacSha256Base64url('Jefe', 'what do ya want for nothing?')).toBe(rfc);
  expect(await hmacSha256Base64url('Jefe', 'what do ya want for nothing?', 'webcrypto')).toBe(rfc);
  const secret = 'ünïcode secret, 32 characters long';
  const message = 'ticketkit-intake:0193a5b2-7c1d-7abc-8def-0123456789ab';
  const expected = createHmac('sha256', secret).update(message).digest('base64url');
  expect(await hmacSha256Base64url(secret, message)).toBe(expected);
  expect(await hmacSha256Base64url(secret, message, 'webcrypto')).toBe(expected);
});
