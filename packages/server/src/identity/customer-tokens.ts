/**
 * The intake token of a ticket: HMAC-SHA256 of its id under the API's
 * secret, base64url (256 bits). Derived rather than random so that every
 * retry of one intake request — even answered by another process sharing the
 * secret — returns the same token; unguessable without the secret, and never
 * derived from the ticket number.
 */
export async function intakeToken(secret: string, ticketId: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', key, encoder.encode(`ticketkit-intake:${ticketId}`)),
  );
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
