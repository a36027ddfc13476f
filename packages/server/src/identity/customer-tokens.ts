interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: string): { update(data: string, encoding: 'utf8'): { digest(): Uint8Array } };
}

// Where the runtime has node:crypto, the HMAC is computed synchronously: WebCrypto's is a round trip through the
// thread pool on every intake, which under load costs more CPU than the hash itself.
const nodeCrypto = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return (runtime?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
  } catch {
    return null;
  }
})();

const encoder = new TextEncoder();
// Each secret's WebCrypto key, imported once rather than on every intake. An API has one secret; the bound only
// guards against a host making many.
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

async function hmacSha256(secret: string, message: string, useNode = nodeCrypto !== null): Promise<Uint8Array> {
  if (useNode && nodeCrypto) return nodeCrypto.createHmac('sha256', secret).update(message, 'utf8').digest();
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/**
 * The intake token of a ticket: HMAC-SHA256 of its id under the API's
 * secret, base64url (256 bits). Derived rather than random so that every
 * retry of one intake request — even answered by another process sharing the
 * secret — returns the same token; unguessable without the secret, and never
 * derived from the ticket number. `useNode: false` takes the WebCrypto path
 * that runtimes without `node:crypto` use (for tests).
 */
export async function intakeToken(secret: string, ticketId: string, useNode?: boolean): Promise<string> {
  const mac = await hmacSha256(secret, `ticketkit-intake:${ticketId}`, useNode);
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
