import * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import { TicketkitError, validationError } from '../errors/ticketkit-error.js';
import { hmacSha256Base64url, sha256Hex } from '../internal/digest.js';
import { randomBytes } from '../internal/ids.js';
import { actorSchema } from '../schemas/actor.js';
import { parseInput } from '../schemas/parse.js';
import { durationSchema, ticketRefSchema } from '../schemas/primitives.js';
import type { AccessTokenRecord } from '../storage/storage-adapter.js';
import { resolveActor } from '../tickets/access.js';
import { loadForActor } from '../tickets/run-command.js';
import type { Duration } from '../time/duration.js';
import { parseDuration } from '../time/duration.js';
import type { AccessTokensApi, IssuedAccessToken } from './access-tokens-api.js';

export type { AccessGrant, AccessTokensApi, IssueAccessTokenOptions, IssuedAccessToken } from './access-tokens-api.js';

// base64url, 22 characters or more: at least 128 bits.
const TOKEN = /^[A-Za-z0-9_-]{22,256}$/;
const TOKEN_MESSAGE = 'must be base64url of at least 22 characters (128 bits)';

const issueSchema = z.strictObject({
  actor: actorSchema,
  expiresIn: durationSchema.nullable().default('90d'),
  token: z.string().regex(TOKEN, { message: TOKEN_MESSAGE }).optional(),
});
const revokeSchema = z.strictObject({ actor: actorSchema });

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of a token, lower-case hex: what storage keeps. */
export function hashAccessToken(token: string): Promise<string> {
  return sha256Hex(token);
}

/**
 * A `derive` for `desk.tickets.openWithAccessToken`: the token is
 * HMAC-SHA256 of the ticket id under your secret (256 bits, base64url), so
 * every retry of one intake — in any process that shares the secret — gets
 * the same token. It is unguessable without the secret and never derived
 * from the ticket number. `@ticketkit/server` derives its intake tokens so.
 *
 * @param secret at least 32 characters, from your secret store.
 */
export function hmacAccessToken(secret: string): (ticketId: string) => Promise<string> {
  if (typeof secret !== 'string' || secret.length < 32) {
    throw validationError(
      [{ path: ['secret'], message: 'must be a string of at least 32 characters' }],
      'hmacAccessToken',
    );
  }
  return (ticketId) => hmacSha256Base64url(secret, `ticketkit-intake:${ticketId}`);
}

/** A token ready to store: the token itself (shown once) and its record (only the hash). */
export interface DraftAccessToken {
  token: string;
  record: AccessTokenRecord;
}

/**
 * Drafts a token for a ticket: `token` when given (checked: base64url, at
 * least 128 bits — `field` names it in the error), else 256 random bits;
 * expiring `expiresIn` after `now`.
 */
export async function draftAccessToken(
  ticketId: string,
  token: string | undefined,
  expiresIn: Duration | null,
  now: Date,
  field: readonly (string | number)[] = ['options', 'token'],
): Promise<DraftAccessToken> {
  if (token !== undefined && (typeof token !== 'string' || !TOKEN.test(token))) {
    throw validationError([{ path: [...field], message: TOKEN_MESSAGE }], 'access token');
  }
  const value = token ?? base64url(randomBytes(32));
  const expiresAt = expiresIn === null ? null : new Date(now.getTime() + (parseDuration(expiresIn) ?? 0)).toISOString();
  return {
    token: value,
    record: { hash: await hashAccessToken(value), ticketId, createdAt: now.toISOString(), expiresAt, revokedAt: null },
  };
}

/**
 * Stores a drafted token unless it is stored already (a retried request with a
 * derived token), and answers with the expiry that counts: the first issue's.
 */
export async function storeAccessToken(desk: DeskContext, draft: DraftAccessToken): Promise<IssuedAccessToken> {
  const { token, record } = draft;
  await desk.storage.putAccessToken(record);
  const stored = await desk.storage.getAccessToken(record.hash);
  if (stored && stored.ticketId !== record.ticketId) {
    throw new TicketkitError('CONFLICT', 'That token is already issued for another ticket: derive a new one', {
      target: 'record',
    });
  }
  return { token, ticketId: record.ticketId, expiresAt: stored ? stored.expiresAt : record.expiresAt };
}

/** Creates `desk.accessTokens`. */
export function createAccessTokens(desk: DeskContext): AccessTokensApi {
  async function ticketFor(ref: unknown, actor: unknown) {
    const refValue = parseInput(ticketRefSchema, ref, 'ticket reference', ['ref']);
    const who = await resolveActor(desk.directory, actor as z.output<typeof actorSchema>);
    return (await loadForActor(desk, refValue, who)).ticket;
  }

  return {
    async issue(ref, rawOptions) {
      const options = parseInput(issueSchema, rawOptions, 'accessTokens.issue options', ['options']);
      const ticket = await ticketFor(ref, options.actor);
      return storeAccessToken(
        desk,
        await draftAccessToken(ticket.id, options.token, options.expiresIn, desk.clock.now()),
      );
    },

    async verify(token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return null;
      const record = await desk.storage.getAccessToken(await hashAccessToken(token));
      if (!record || record.revokedAt !== null) return null;
      if (record.expiresAt !== null && record.expiresAt <= desk.clock.now().toISOString()) return null;
      const ticket = await desk.storage.getTicket({ id: record.ticketId });
      return ticket ? { ticket, expiresAt: record.expiresAt } : null;
    },

    async revoke(ref, rawOptions) {
      const options = parseInput(revokeSchema, rawOptions, 'accessTokens.revoke options', ['options']);
      const ticket = await ticketFor(ref, options.actor);
      return desk.storage.revokeAccessTokens(ticket.id, desk.clock.now().toISOString());
    },
  };
}
