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

/** The Bearer token of a request's `Authorization` header, or `null` (no header, or another scheme such as Basic). */
export function bearerToken(request: Request): string | null {
  const authorization = request.headers.get('authorization');
  if (authorization === null || !/^Bearer(\s|$)/i.test(authorization)) return null;
  return BEARER.exec(authorization)?.[1] ?? '';
}

/** What happens before a Bearer token is verified: the rate limits of token requests. */
export type BeforeTokenCheck = (token: string) => Promise<void>;

/**
 * Finds out who is calling. The host's session comes first: `authenticate`
 * sees every request, and a principal it returns wins whatever
 * `Authorization` header the request carries (a host whose own sessions use
 * Basic or Bearer keeps them). Only when it returns `null` (or there is no
 * `authenticate`) does a Bearer token count as a ticketkit access token —
 * and one that does not verify is a 401, never a fallback to anonymous.
 * Another scheme (Basic) is the host's business and ignored.
 */
export async function identify(
  request: Request,
  desk: HelpDesk,
  options: ResolvedOptions,
  beforeTokenCheck: BeforeTokenCheck = async () => {},
): Promise<Identity> {
  if (options.authenticate) {
    const principal = await options.authenticate(request);
    if (principal !== null && principal !== undefined) {
      const parsed = actorSchema.safeParse(principal);
      // A malformed principal, or `system`, is the host's bug: refuse rather than guess who it meant.
      if (!parsed.success || parsed.data.type === 'system') {
        throw new Error('authenticate() must return { type: "customer", email } or { type: "agent", id }, or null');
      }
      return { kind: 'session', actor: parsed.data };
    }
  }
  const token = bearerToken(request);
  if (token === null) return { kind: 'anonymous' };
  await beforeTokenCheck(token);
  const grant = token ? await desk.accessTokens.verify(token) : null;
  if (!grant) {
    throw new HttpProblem(
      'UNAUTHENTICATED',
      'The access token is invalid, expired or revoked',
      {},
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
  }
  const { requester } = grant.ticket;
  return {
    kind: 'token',
    actor: { type: 'customer', email: requester.email, ...(requester.name ? { name: requester.name } : {}) },
    ticket: grant.ticket,
  };
}
