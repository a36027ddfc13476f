/**
 * SHA-256 and HMAC-SHA256 for the hot paths (idempotency fingerprints,
 * access-token hashes, derived intake tokens).
 *
 * WebCrypto is asynchronous everywhere, and in Node each call is a round trip
 * through the libuv thread pool: measured under HTTP load, the thread
 * hand-offs cost more CPU than hashing a few hundred bytes. Where the runtime
 * has `node:crypto` (Node, Bun, Deno), the work is done synchronously;
 * elsewhere (workers, browsers) WebCrypto does it.
 */

interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
  createHmac(algorithm: 'sha256', key: string): { update(data: string, encoding: 'utf8'): { digest(): Uint8Array } };
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

/** Which implementation to use: `'auto'` prefers `node:crypto`; `'webcrypto'` is the path of other runtimes (tests). */
export type DigestPath = 'auto' | 'webcrypto';

/** The SHA-256 of a string's UTF-8 bytes, lower-case hex. */
export async function sha256Hex(text: string, path: DigestPath = 'auto'): Promise<string> {
  if (nodeCrypto && path === 'auto') return nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

// Each secret's WebCrypto key, imported once rather than on every call. A desk has one or two secrets; the bound
// only guards against a host making many.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 8) keys.clear();
    key = globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    keys.set(secret, key);
    key.catch(() => keys.delete(secret));
  }
  return key;
}

/** HMAC-SHA256 of a string's UTF-8 bytes under a secret, base64url without padding. */
export async function hmacSha256Base64url(secret: string, message: string, path: DigestPath = 'auto'): Promise<string> {
  const mac =
    nodeCrypto && path === 'auto'
      ? nodeCrypto.createHmac('sha256', secret).update(message, 'utf8').digest()
      : new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
