import type { HelpDesk, Ticket, TicketSummary } from '@ticketkit/core';
import type * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import type { Identity } from '../identity/identify.js';
import type { ResolvedOptions } from '../options.js';
import { customerTicket } from '../views/ticket-views.js';

/**
 * Who may call a route, before the core authorizes the command itself:
 * - `anyone`: no identity needed;
 * - `ticket`: a signed-in customer or agent, or a customer's access token for
 *   this very ticket;
 * - `customer`: a signed-in customer or an access token;
 * - `agent`: a signed-in agent (or admin).
 */
export type Access = 'anyone' | 'ticket' | 'customer' | 'agent';

/** What a route handler gets. */
export interface RouteContext {
  request: Request;
  /** Path parameters, e.g. `ref`. */
  params: Record<string, string>;
  /** The query string. */
  query: URLSearchParams;
  desk: HelpDesk;
  options: ResolvedOptions;
  identity: Identity;
  /** The JSON body, read within the limits (`{}` when the route allows none and none was sent). */
  body(): Promise<unknown>;
  /** The client's IP, when known. */
  clientIp: string | null;
}

/** A header a route reads, for the API document. */
export interface HeaderSpec {
  name: string;
  description: string;
  required?: boolean;
  /** The value's schema (documented; the handler checks it): a plain string without it. */
  schema?: z.ZodType;
}

/** One route: the API document is built from these, so routes and document cannot disagree. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** Hono-style path, e.g. `/tickets/:ref/replies`. */
  path: string;
  operationId: string;
  summary: string;
  access: Access;
  /** The route checks its own credentials (a webhook's shared secret): the caller is not identified first. */
  ownAuthentication?: boolean;
  /**
   * The request body's schema (documented; the core validates commands
   * itself), or a function of the options when the body depends on them
   * (the intake form's honeypot field).
   */
  body?: z.ZodType | ((options: ResolvedOptions) => z.ZodType);
  /** Media types of a body that is not JSON (a raw email), documented as binary; the handler reads it. */
  rawBody?: string[];
  /** Whether a body must be sent (commands without input accept none). */
  bodyRequired?: boolean;
  /** Path parameters whose form is narrower than a string (documented; validated by the handler). */
  params?: Record<string, z.ZodType>;
  /** Query parameters (validated by the handler, documented from this). */
  query?: z.ZodObject;
  headers?: HeaderSpec[];
  /** Error statuses the route answers besides those its access, body, query and headers imply (429 when rate limited). */
  errors?: number[];
  /** The success responses. */
  responses: Record<
    number,
    {
      description: string;
      schema?: z.ZodType;
      headers?: HeaderSpec[] /** @default 'application/json' */;
      contentType?: string;
    }
  >;
  handle(context: RouteContext): Promise<Response>;
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A ticket as the caller may see it: everything for agents, the customer view for customers. */
export function ticketFor<T extends Ticket | TicketSummary>(
  identity: Identity,
  ticket: T,
): Record<string, unknown> | T {
  return isAgent(identity) ? ticket : customerTicket(ticket);
}

const isAgent = (identity: Identity) => identity.kind === 'session' && identity.actor.type === 'agent';

/**
 * The `ETag` of a ticket as the caller sees it, which `If-Match` sends back
 * to refuse a stale write. For agents, its version. For customers, a digest
 * of what they can see — their view of the ticket (but its `updatedAt`) and
 * the public thread — as 12 digits: the version moves with internal notes
 * and assignments, and a customer's validator must not show that activity.
 */
export async function etagOf(context: RouteContext, ticket: Ticket): Promise<string> {
  if (isAgent(context.identity)) return `"${ticket.version}"`;
  if (context.identity.kind === 'anonymous') throw new Error('checkAccess admits no anonymous caller here');
  const thread = await context.desk.tickets.thread(ticket.id, { actor: context.identity.actor });
  const { updatedAt: _moves, ...view } = customerTicket(ticket);
  const seen = JSON.stringify([view, thread.length, thread.at(-1)?.id ?? null]);
  const digest = new DataView(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(seen)));
  // 12 digits, the first not 0: the form of every ETag the API sends, so one If-Match rule serves both.
  const number = (digest.getUint32(0) * 2 ** 16 + digest.getUint16(4)) % 900_000_000_000;
  return `"${number + 100_000_000_000}"`;
}

/** Refuses callers the route's access does not admit (401 nobody, 403 the wrong kind, 404 another ticket). */
export function checkAccess(access: Access, identity: Identity, params: Record<string, string>): void {
  if (access === 'anyone') return;
  if (identity.kind === 'anonymous') {
    throw new HttpProblem(
      'UNAUTHENTICATED',
      'Sign in, or send the access token of your ticket as a Bearer token',
      {},
      {
        'www-authenticate': 'Bearer',
      },
    );
  }
  const isAgent = identity.kind === 'session' && identity.actor.type === 'agent';
  if (access === 'agent' && !isAgent) throw new HttpProblem('FORBIDDEN', 'Only agents may do this');
  if (access === 'customer' && isAgent) throw new HttpProblem('FORBIDDEN', 'This lists a customer’s own requests');
  // A token opens its own ticket and nothing else: any other ticket does not exist for it.
  if (access === 'ticket' && identity.kind === 'token') {
    const ref = params.ref ?? '';
    if (ref !== identity.ticket.id && ref !== identity.ticket.number) {
      throw new HttpProblem('NOT_FOUND', `No ticket ${ref}`);
    }
  }
}
