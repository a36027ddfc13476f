import { createHmac } from 'node:crypto';
import { expect, test } from 'vitest';
import { intakeToken } from './customer-tokens.js';

test('the intake token is HMAC-SHA256 of the ticket id, base64url, alike on the node:crypto and WebCrypto paths', async () => {
  const secret = 'a-secret-of-the-host-0123456789abcdef';
  const id = '0193a5b2-7c1d-7abc-8def-0123456789ab';
  const expected = createHmac('sha256', secret).update(`ticketkit-intake:${id}`).digest('base64url');
  expect(await intakeToken(secret, id)).toBe(expected);
  expect(await intakeToken(secret, id, false)).toBe(expected);
  expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await intakeToken(`${secret}x`, id)).not.toBe(expected);
});
