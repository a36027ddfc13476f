import { expect, test } from 'vitest';
import {
  hashAccessToken,
  hmacAccessToken,
  isTicketkitError,
  memoryStorage,
  type TicketkitError,
} from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * Customer access tokens (a link that opens one ticket to its requester) and
 * the expiry of idempotency keys.
 */

test('a token opens its ticket to its requester until it expires or is revoked; only its hash is stored', async () => {
  const { desk, clock, storage, open } = await createTestDesk();
  const ticket = await open();
  const issued = await desk.accessTokens.issue(ticket.id, { actor: actors.system, expiresIn: '30d' });
  expect(issued).toEqual({
    token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    ticketId: ticket.id,
    expiresAt: '2026-04-01T09:00:00.000Z',
  });
  expect(issued.token).not.toContain(ticket.number);
  expect([...storage.state.accessTokens.keys()]).toEqual([await hashAccessToken(issued.token)]);
  expect(JSON.stringify([...storage.state.accessTokens.values()])).not.toContain(issued.token);

  const grant = await desk.accessTokens.verify(issued.token);
  expect(grant?.ticket.id).toBe(ticket.id);
  expect(grant?.ticket.requester.email).toBe('ken@example.com');
  // Every issue is a new random token.
  const second = await desk.accessTokens.issue(ticket.number, { actor: actors.ken });
  expect(second.token).not.toBe(issued.token);
  expect(second.expiresAt).toBe('2026-05-31T09:00:00.000Z'); // the default: 90 days

  clock.set('2026-04-01T09:00:00Z');
  expect(await desk.accessTokens.verify(issued.token), 'expired').toBeNull();
  expect((await desk.accessTokens.verify(second.token))?.ticket.id).toBe(ticket.id);
  expect(await desk.accessTokens.revoke(ticket.id, { actor: actors.ann })).toBe(2);
  expect(await desk.accessTokens.verify(second.token), 'revoked').toBeNull();
});

test('a token you derive yourself is issued once: retries get the same token and expiry', async () => {
  const { desk, clock, open } = await createTestDesk();
  const ticket = await open();
  const token = 'derived-token-of-ticket-42-abcdefghijklmnop';
  const first = await desk.accessTokens.issue(ticket.id, { actor: actors.system, token, expiresIn: null });
  clock.advance('1h');
  const retry = await desk.accessTokens.issue(ticket.id, { actor: actors.system, token, expiresIn: '1d' });
  expect(retry).toEqual(first);
  expect(first.expiresAt).toBeNull();
  const other = await open({ subject: 'Other' });
  const clash = await desk.accessTokens
    .issue(other.id, { actor: actors.system, token })
    .catch((error: unknown) => error);
  expect(isTicketkitError(clash, 'CONFLICT')).toBe(true);
  expect((await desk.accessTokens.verify(token))?.ticket.id, 'the clash changed nothing').toBe(ticket.id);
});

test('only the requester and staff who may act on the ticket issue or revoke; bad input names the field', async () => {
  const { desk, storage, open } = await createTestDesk();
  const ticket = await open();
  const stranger = await desk.accessTokens.issue(ticket.id, { actor: actors.karen }).catch((error: unknown) => error);
  expect(isTicketkitError(stranger, 'NOT_FOUND'), 'another customer never learns the ticket exists').toBe(true);
  const elsewhere = await desk.accessTokens
    .revoke(ticket.id, { actor: actors.winston })
    .catch((error: unknown) => error);
  expect(isTicketkitError(elsewhere, 'FORBIDDEN')).toBe(true);
  for (const [options, path] of [
    [{ actor: actors.ken, token: 'short' }, ['options', 'token']],
    [{ actor: actors.ken, token: 'has spaces and is long enough to pass' }, ['options', 'token']],
    [{ actor: actors.ken, expiresIn: 'forever' }, ['options', 'expiresIn']],
    [{ actor: actors.ken, ttl: '1d' }, ['options', 'ttl']],
  ] as const) {
    const error = await desk.accessTokens.issue(ticket.id, options as never).catch((caught: unknown) => caught);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
    expect((error as TicketkitError).issues[0]?.path).toEqual(path);
  }
  expect(storage.state.accessTokens.size).toBe(0);
  for (const token of [
    '',
    'short',
    'x'.repeat(300),
    'white space but long enough for a token',
    42,
    null,
    '../../etc/passwd',
  ]) {
    expect(await desk.accessTokens.verify(token as string), String(token)).toBeNull();
  }
});

test('idempotency keys are remembered for intake.idempotencyKeyTtl, then open a new ticket', async () => {
  const { desk, clock, storage } = await createTestDesk({ intake: { idempotencyKeyTtl: '24h' } });
  const input = { subject: 'Card blocked', body: 'It does not work.', departmentId: 'help', idempotencyKey: 'req-1' };
  const first = await desk.tickets.open(input, { actor: actors.ken });
  clock.advance('23h');
  expect((await desk.tickets.open(input, { actor: actors.ken })).id).toBe(first.id);
  const mismatch = await desk.tickets
    .open({ ...input, body: 'Something else' }, { actor: actors.ken })
    .catch((error: unknown) => error);
  expect(isTicketkitError(mismatch, 'IDEMPOTENCY_MISMATCH')).toBe(true);
  clock.advance('2h');
  const later = await desk.tickets.open({ ...input, body: 'Something else' }, { actor: actors.ken });
  expect(later.id).not.toBe(first.id);
  expect(storage.state.idempotency.size).toBe(1);
  expect((await desk.tickets.open({ ...input, body: 'Something else' }, { actor: actors.ken })).id).toBe(later.id);
});

test('openWithAccessToken opens the ticket and issues its token in one commit; a retry gets the same pair', async () => {
  const { desk, clock, storage } = await createTestDesk();
  const input = { subject: 'Card blocked', body: 'It does not work.', departmentId: 'help', idempotencyKey: 'req-7' };
  const derive = (ticketId: string) => `intake-${ticketId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const first = await desk.tickets.openWithAccessToken(input, { actor: actors.ken, accessToken: { derive } });
  expect(first.accessToken).toEqual({
    token: derive(first.ticket.id),
    ticketId: first.ticket.id,
    expiresAt: '2026-05-31T09:00:00.000Z', // 90 days from the opening
  });
  expect((await desk.accessTokens.verify(first.accessToken.token))?.ticket.id).toBe(first.ticket.id);
  // A retry later returns the same ticket and the same token with its first expiry; nothing new is stored.
  clock.advance('2h');
  const retry = await desk.tickets.openWithAccessToken(input, {
    actor: actors.ken,
    accessToken: { derive, expiresIn: '1d' },
  });
  expect(retry).toEqual(first);
  expect(storage.state.tickets.size).toBe(1);
  expect(storage.state.accessTokens.size).toBe(1);

  // Without derive: 256 random bits, expiring as asked.
  const random = await desk.tickets.openWithAccessToken(
    { subject: 'Second', body: 'Another one.', departmentId: 'help' },
    { actor: actors.ken, accessToken: { expiresIn: '1h' } },
  );
  expect(random.accessToken.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(random.accessToken.expiresAt).toBe('2026-03-02T12:00:00.000Z');
  clock.advance('1h');
  expect(await desk.accessTokens.verify(random.accessToken.token), 'expired after 1h').toBeNull();
});

test('openWithAccessToken refuses a bad token or option by name and writes nothing', async () => {
  const { desk, storage } = await createTestDesk();
  const input = { subject: 'Card blocked', body: 'It does not work.', departmentId: 'help', idempotencyKey: 'req-8' };
  const before = storage.state.tickets.size;
  for (const [accessToken, path] of [
    [{ derive: () => 'too-short' }, ['options', 'accessToken', 'derive']],
    [{ derive: async () => 'white space is not base64url at all' }, ['options', 'accessToken', 'derive']],
    [{ derive: 'not a function' }, ['options', 'accessToken', 'derive']],
    [{ expiresIn: 'forever' }, ['options', 'accessToken', 'expiresIn']],
    [{ ttl: '1d' }, ['options', 'accessToken', 'ttl']],
  ] as const) {
    const error = await desk.tickets
      .openWithAccessToken(input, { actor: actors.ken, accessToken: accessToken as never })
      .catch((caught: unknown) => caught);
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(accessToken)).toBe(true);
    expect((error as TicketkitError).issues[0]?.path).toEqual(path);
  }
  // A derive that throws fails the request with its own error, before anything is written.
  const broken = new Error('the secret store is down');
  const thrown = await desk.tickets
    .openWithAccessToken(input, {
      actor: actors.ken,
      accessToken: {
        derive: () => {
          throw broken;
        },
      },
    })
    .catch((caught: unknown) => caught);
  expect(thrown).toBe(broken);
  expect(storage.state.tickets.size).toBe(before);
  expect(storage.state.idempotency.size).toBe(0);
  expect(storage.state.accessTokens.size).toBe(0);
});

test('on storage without access tokens, openWithAccessToken is refused and opens nothing', async () => {
  const base = memoryStorage();
  const { putAccessToken, getAccessToken, revokeAccessTokens, ...withoutTokens } = base;
  void [putAccessToken, getAccessToken, revokeAccessTokens];
  const { desk } = await createTestDesk({ storage: { ...withoutTokens, id: 'tokenless' } });
  const error = await desk.tickets
    .openWithAccessToken(
      { subject: 'Card blocked', body: 'It does not work.', departmentId: 'help' },
      { actor: actors.ken },
    )
    .catch((caught: unknown) => caught);
  expect(isTicketkitError(error, 'STORAGE_FAILED')).toBe(true);
  expect(String((error as TicketkitError).cause)).toContain('access-token');
  expect(base.state.tickets.size).toBe(0);
});

test('hmacAccessToken derives 256-bit HMAC tokens of the ticket id; a short secret is refused by name', async () => {
  const derive = hmacAccessToken('a-secret-of-the-host-0123456789abcdef');
  const [a, again, other] = await Promise.all([derive('ticket-a'), derive('ticket-a'), derive('ticket-b')]);
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(again).toBe(a);
  expect(other).not.toBe(a);
  expect(await hmacAccessToken('another-secret-of-the-host-0123456789')('ticket-a')).not.toBe(a);
  const error = (() => {
    try {
      hmacAccessToken('short');
    } catch (caught) {
      return caught;
    }
  })();
  expect(isTicketkitError(error, 'VALIDATION_FAILED')).toBe(true);
  expect((error as TicketkitError).issues[0]?.path).toEqual(['secret']);
});
