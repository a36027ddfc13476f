import { expect, test } from 'vitest';
import { sha256Hex, webCryptoSha256Hex } from './digest.js';

// FIPS 180-2 test vectors, and UTF-8 text beyond ASCII (a lone surrogate encodes as U+FFFD in both paths).
const vectors: [string, string][] = [
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
];

test.each(vectors)('SHA-256 of %j is the standard digest on both paths', async (text, hex) => {
  expect(await sha256Hex(text)).toBe(hex);
  expect(await webCryptoSha256Hex(text)).toBe(hex);
});

test('both paths hash UTF-8 alike, lone surrogates included', async () => {
  for (const text of ['Überweisung fehlgeschlagen 💳', 'half \ud800 pair', 'x'.repeat(100_000)]) {
    expect(await sha256Hex(text)).toBe(await webCryptoSha256Hex(text));
  }
});
