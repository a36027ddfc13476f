import * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import { TicketkitError } from '../errors/ticketkit-error.js';
import { actorSchema } from '../schemas/actor.js';
import { parseInput } from '../schemas/parse.js';
import { durationSchema, ticketRefSchema } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import { resolveActor } from '../tickets/access.js';
import { loadForActor } from '../tickets/run-command.js';
import type { Duration } from '../time/duration.js';
import { parseDuration } from '../time/duration.js';

/** Options of `desk.accessTokens.issue`. */
export interface IssueAccessTokenOptions {
  /** Who asks: the ticket's requester, an agent who may act on it, or the system (intake). */
  actor: z.input<typeof actorSchema>;
  /**
   * How long the token works; `null` for as long as it is not revoked.
   * @default '90d'
   */
  expiresIn?: Duration | null;
  /**
   * A token you made yourself, e.g. an HMAC of the ticket id with your
   * secret, so that retries of one request get the same token: base64url, at
   * least 22 characters (128 bits). Issuing the same token again changes
   * nothing. Without it the desk draws 256 random bits.
   */
  token?: string;
}

/** A token just issued. Show it to the customer once: only its hash is stored. */
export interface IssuedAccessToken {
  /** The token. */
  token: string;
  /** The ticket it opens. */
  ticketId: string;
  /** When it stops working (ISO 8601), or `null`. */
  expiresAt: string | null;
}

/** What a valid token grants: its ticket, to its requester. */
export interface AccessGrant {
  /** The ticket (as stored now). Act as `{ type: 'customer', email: ticket.requester.email }` on it, and only on it. */
  ticket: Ticket;
  /** When the token stops working (ISO 8601), or `null`. */
  expiresAt: string | null;
}

/**
 * Customer access tokens: how a customer without a session in your app
 * follows their own ticket (the link in the auto-response). A token opens one
 * ticket; it is unguessable (at least 128 bits), never derived from the ticket
 * number, stored only as a SHA-256 hash, expires, and can be revoked.
 */
export interface AccessTokensApi {
  /** Issues a token for a ticket. */
  issue(ref: string, options: IssueAccessTokenOptions): Promise<IssuedAccessToken>;
  /** The ticket a token opens, or `null` when it is malformed, unknown, expired or revoked. Never throws for a bad token. */
  verify(token: string): Promise<AccessGrant | null>;
  /** Revokes every token of a ticket (its requester or an agent who may act on it); returns how many. */
  revoke(ref: string, options: { actor: z.input<typeof actorSchema> }): Promise<number>;
}

// base64url, 22 characters or more: at least 128 bits.
const TOKEN = /^[A-Za-z0-9_-]{22,256}$/;

const issueSchema = z.strictObject({
  actor: actorSchema,
  expiresIn: durationSchema.nullable().default('90d'),
  token: z.string().regex(TOKEN, { message: 'must be base64url of at least 22 characters (128 bits)' }).optional(),
});
const revokeSchema = z.strictObject({ actor: actorSchema });

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of a token, lower-case hex: what storage keeps. */
export async function hashAccessToken(token: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
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
      const token = options.token ?? base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
      const now = desk.clock.now();
      const expiresAt =
        options.expiresIn === null
          ? null
          : new Date(now.getTime() + (parseDuration(options.expiresIn) ?? 0)).toISOString();
      const hash = await hashAccessToken(token);
      await desk.storage.putAccessToken({
        hash,
        ticketId: ticket.id,
        createdAt: now.toISOString(),
        expiresAt,
        revokedAt: null,
      });
      // Issued again (a retried request with a derived token): the first issue's expiry is the one that counts.
      const stored = await desk.storage.getAccessToken(hash);
      if (stored && stored.ticketId !== ticket.id) {
        throw new TicketkitError('CONFLICT', 'That token is already issued for another ticket: derive a new one', {
          target: 'record',
        });
      }
      return { token, ticketId: ticket.id, expiresAt: stored ? stored.expiresAt : expiresAt };
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
