/**
 * SHA-256 for the hot paths (idempotency fingerprints, access-token hashes).
 *
 * WebCrypto's `digest` is asynchronous everywhere, and in Node each call is a
 * round trip through the libuv thread pool: measured under HTTP load, the
 * thread hand-offs cost more CPU than the hash of a few hundred bytes. Where
 * the runtime has `node:crypto` (Node, Bun, Deno), the hash is computed
 * synchronously; elsewhere (workers, browsers) WebCrypto does it.
 */

interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
}

const nodeCrypto = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (runtime?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
  } catch {
    return null;
  }
})();

const encoder = new TextEncoder();

/** The SHA-256 of a string's UTF-8 bytes, lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');
  return webCryptoSha256Hex(text);
}

/** The same through WebCrypto only: the path of runtimes without `node:crypto`. */
export async function webCryptoSha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
