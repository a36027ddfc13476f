import type * as z from 'zod';
import type { actorSchema } from '../schemas/actor.js';
import type { Ticket } from '../schemas/ticket.js';
import type { Duration } from '../time/duration.js';

// The shape of `desk.accessTokens`, apart from its implementation: `HelpDesk` names it without importing the desk's internals.

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
