import { type Actor, openTicketInputSchema, parseInput, ticketSchema } from '@ticketkit/core';
import * as z from 'zod';
import { rateLimit } from '../abuse/enforce-rate-limit.js';
import { HttpProblem } from '../http/problem.js';
import { customerTicketSchema } from '../views/ticket-views.js';
import { applyIdempotencyKey, idempotencyMismatch } from './idempotency-key.js';
import { idempotencyKeySchema, openTicketBody } from './request-bodies.js';
import { json, type RouteContext, type RouteSpec, ticketFor } from './route.js';

// The intake body with the HTTP API's rule for `idempotencyKey`: documented, and checked to name every refused field at once.
const intakeBodySchema = openTicketInputSchema.extend({ idempotencyKey: idempotencyKeySchema.optional() });
const requesterSchema = openTicketInputSchema.shape.requester.unwrap();

/** What `POST /tickets` answers. */
export const intakeResponseSchema = z.object({
  ticket: z.union([customerTicketSchema, ticketSchema]),
  /** The customer's access token for this ticket: send it as `Authorization: Bearer …`. Shown once. */
  accessToken: z.string(),
  /** When the token stops working (ISO 8601), or `null`. */
  accessTokenExpiresAt: z.string().nullable(),
});

/**
 * Who opens the ticket: your signed-in customer or agent; otherwise the
 * customer named in the body (anonymous intake, as a public form allows).
 */
function intakeActor(context: RouteContext, input: Record<string, unknown>): Actor {
  const { identity } = context;
  if (identity.kind === 'session') return identity.actor;
  if (input.requester === undefined) {
    throw new HttpProblem('VALIDATION_FAILED', 'Invalid open input: requester.email: is required', {
      errors: [{ pointer: '/requester/email', path: ['requester', 'email'], message: 'is required' }],
    });
  }
  // Checked here as the body's field: the desk checks the actor built from it as `options.actor`, a name the client never sent.
  const { email, name } = parseInput(requesterSchema, input.requester, 'open input', ['requester']);
  return { type: 'customer', email, ...(name === undefined ? {} : { name }) };
}

/** `POST /tickets`: anyone opens a ticket and gets its access token. */
export const intakeRoute: RouteSpec = {
  method: 'POST',
  path: '/tickets',
  operationId: 'openTicket',
  summary:
    'Open a ticket. Anyone may (rate limited per IP and per email); the answer carries the access token that opens this ticket to its requester.',
  access: 'anyone',
  body: (options) => openTicketBody(options.honeypotField),
  bodyRequired: true,
  headers: [
    {
      name: 'Idempotency-Key',
      description:
        'A random key per request (16+ characters, e.g. a UUID): retries with the same key (for 24 hours) by the same caller create one ticket and get the same answer; the same key with a different body is refused (422). ' +
        'Keys are scoped to the caller (the signed-in session, or for anonymous intake the requester), so another caller’s key opens a new ticket and never answers with its token. ' +
        'A retry after the ticket’s access token was revoked or expired is refused (409 ACCESS_REVOKED).',
      schema: idempotencyKeySchema,
    },
  ],
  errors: [429],
  responses: {
    201: {
      description: 'The ticket was opened (or a retry found it).',
      schema: intakeResponseSchema,
      headers: [{ name: 'Location', description: 'The ticket’s URL (by its number).' }],
    },
  },
  async handle(context) {
    const { options, desk, clientIp } = context;
    if (options.intakePerIp && clientIp) {
      await rateLimit(options, 'intake:ip', clientIp, options.intakePerIp, 'Too many new tickets from this address');
    }
    const body = await context.body();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpProblem('VALIDATION_FAILED', 'Invalid open input: the body must be an object', {
        errors: [{ pointer: '', path: [], message: 'must be an object' }],
      });
    }
    const input = { ...(body as Record<string, unknown>) };
    if (options.honeypotField !== null && options.honeypotField in input) {
      const trap = input[options.honeypotField];
      if (trap !== '' && trap !== null && trap !== undefined) {
        throw new HttpProblem('VALIDATION_FAILED', `Invalid open input: ${options.honeypotField}: must be empty`, {
          errors: [{ pointer: `/${options.honeypotField}`, path: [options.honeypotField], message: 'must be empty' }],
        });
      }
      delete input[options.honeypotField];
    }
    applyIdempotencyKey(context.request, context.identity, input, intakeBodySchema, 'open input');
    const actor = intakeActor(context, input);
    const perEmail = options.intakePerEmail;
    let admitted = false;
    // One commit: the ticket and its token. The token is derived from the ticket id, so every retry of this
    // request (by Idempotency-Key) gets this same token. The per-email limit counts in `admit`, once the desk has
    // checked the request: refused requests and retries cost the customer they name nothing.
    const { ticket, accessToken } = await desk.tickets
      .openWithAccessToken(input as never, {
        actor,
        accessToken: { derive: options.deriveToken, expiresIn: options.tokenExpiresIn },
        admit: async () => {
          admitted = true;
          if (!perEmail) return;
          const email =
            actor.type === 'customer' ? actor.email : String((input.requester as { email?: unknown })?.email);
          await rateLimit(
            options,
            'intake:email',
            email.toLowerCase(),
            perEmail,
            'Too many new tickets from this email address',
          );
        },
      })
      .catch((error: unknown) => idempotencyMismatch(error, 'a new ticket'));
    // A retry answers with the first answer's token — unless it was revoked or has expired since: that token is not
    // handed out again, and nothing else about the ticket either.
    if (!admitted && !(await desk.accessTokens.verify(accessToken.token))) {
      throw new HttpProblem(
        'ACCESS_REVOKED',
        'This request was answered before, and the access token it issued has been revoked or has expired: ask the help desk for a new link, or sign in',
      );
    }
    return json(
      201,
      {
        ticket: ticketFor(context.identity, ticket),
        accessToken: accessToken.token,
        accessTokenExpiresAt: accessToken.expiresAt,
      },
      { location: `${options.basePath}/tickets/${ticket.number}` },
    );
  },
};
