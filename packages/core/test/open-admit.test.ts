import { expect, test } from 'vitest';
import { isTicketkitError } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * `openWithAccessToken`'s `admit`: called once the desk has checked a
 * request and before it commits a new ticket, never for a replay; throwing
 * refuses the ticket with nothing written. (The HTTP API counts its
 * per-email limit there, so only accepted tickets are counted.)
 */

test('admit runs for a new ticket only: not for refused input, not for a replay; its error refuses with nothing written', async () => {
  const { desk, storage } = await createTestDesk();
  let calls = 0;
  const admit = () => {
    calls += 1;
  };
  const input = {
    subject: 'Card blocked',
    body: 'It does not work.',
    departmentId: 'help',
    idempotencyKey: 'req-admit-1',
  };
  const refused = await desk.tickets
    .openWithAccessToken({ ...input, departmentId: 'nowhere' }, { actor: actors.ken, admit })
    .catch((error: unknown) => error);
  expect(isTicketkitError(refused)).toBe(true);
  expect(calls, 'an unknown department is refused before admit').toBe(0);

  const first = await desk.tickets.openWithAccessToken(input, { actor: actors.ken, admit });
  expect(calls).toBe(1);
  const replay = await desk.tickets.openWithAccessToken(input, { actor: actors.ken, admit });
  expect([replay.ticket.id, calls]).toEqual([first.ticket.id, 1]);

  const before = storage.state.tickets.size;
  const tokens = storage.state.accessTokens.size;
  const limited = new Error('rate limited');
  const thrown = await desk.tickets
    .openWithAccessToken(
      { ...input, idempotencyKey: 'req-admit-2' },
      {
        actor: actors.ken,
        admit: () => {
          throw limited;
        },
      },
    )
    .catch((error: unknown) => error);
  expect(thrown).toBe(limited);
  expect(storage.state.tickets.size).toBe(before);
  expect(storage.state.idempotency.size, 'the refused key is not remembered').toBe(1);
  expect(storage.state.accessTokens.size, 'nor is a token issued').toBe(tokens);
});
