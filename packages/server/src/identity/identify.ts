import { type Actor, actorSchema, type HelpDesk, type Ticket } from '@ticketkit/core';
import { HttpProblem } from '../http/problem.js';
import type { ResolvedOptions } from '../options.js';

/** Who a request comes from. */
export type Identity =
  /** Nobody: only intake, the intake schema and the OpenAPI document. */
  | { kind: 'anonymous' }
  /** Your app's signed-in customer or agent. */
  | { kind: 'session'; actor: Actor }
  /** A customer holding an access token: their one ticket, nothing else. */
  | { kind: 'token'; actor: Actor; ticket: Ticket };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Finds out who is calling: a Bearer access token first (a customer's link,
 * good for its ticket only), else the host's session through `authenticate`.
 * A Bearer token that does not verify is a 401, never a fallback to anonymous.
 */
export async function identify(request: Request, desk: HelpDesk, options: ResolvedOptions): Promise<Identity> {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    const grant = token ? await desk.accessTokens.verify(token) : null;
    if (!grant) {
      throw new HttpProblem(
        'UNAUTHENTICATED',
        'The access token is invalid, expired or revoked',
        {},
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    }
    const { requester } = grant.ticket;
    return {
      kind: 'token',
      actor: { type: 'customer', email: requester.email, ...(requester.name ? { name: requester.name } : {}) },
      ticket: grant.ticket,
    };
  }
  if (!options.authenticate) return { kind: 'anonymous' };
  const principal = await options.authenticate(request);
  if (principal === null || principal === undefined) return { kind: 'anonymous' };
  const parsed = actorSchema.safeParse(principal);
  // A malformed principal, or `system`, is the host's bug: refuse rather than guess who it meant.
  if (!parsed.success || parsed.data.type === 'system') {
    throw new Error('authenticate() must return { type: "customer", email } or { type: "agent", id }, or null');
  }
  return { kind: 'session', actor: parsed.data };
}
