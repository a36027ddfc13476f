const encoder = new TextEncoder();
// Each secret's HMAC key, imported once rather than on every intake: under load each WebCrypto call is a
// round trip through the thread pool. An API has one secret; the bound only guards against a host making many.
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

/**
 * The intake token of a ticket: HMAC-SHA256 of its id under the API's
 * secret, base64url (256 bits). Derived rather than random so that every
 * retry of one intake request — even answered by another process sharing the
 * secret — returns the same token; unguessable without the secret, and never
 * derived from the ticket number.
 */
export async function intakeToken(secret: string, ticketId: string): Promise<string> {
  const mac = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`ticketkit-intake:${ticketId}`)),
  );
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
