import { type Actor, openTicketInputSchema, parseInput, ticketSchema } from '@ticketkit/core';
import * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import type { ResolvedOptions } from '../options.js';
import { customerTicketSchema } from '../views/ticket-views.js';
import { openTicketBody } from './request-bodies.js';
import { json, type RouteContext, type RouteSpec, ticketFor } from './route.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const requesterSchema = openTicketInputSchema.shape.requester.unwrap();

/** What `POST /tickets` answers. */
export const intakeResponseSchema = z.object({
  ticket: z.union([customerTicketSchema, ticketSchema]),
  /** The customer's access token for this ticket: send it as `Authorization: Bearer …`. Shown once. */
  accessToken: z.string(),
  /** When the token stops working (ISO 8601), or `null`. */
  accessTokenExpiresAt: z.string().nullable(),
});

async function limit(
  options: ResolvedOptions,
  bucket: 'ip' | 'email',
  key: string,
  rule: { limit: number; windowMs: number },
) {
  const result = await options.rateLimitStore.hit(`intake:${bucket}:${key}`, rule.limit, rule.windowMs, Date.now());
  if (!result.allowed) {
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1_000));
    throw new HttpProblem(
      'RATE_LIMITED',
      `Too many new tickets from this ${bucket === 'ip' ? 'address' : 'email address'}: try again in ${seconds} s`,
      {},
      { 'retry-after': String(seconds) },
    );
  }
}

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
        'Retries with the same key (for 24 hours) create one ticket and get the same answer; the same key with a different body is refused (422).',
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
    if (options.intakePerIp && clientIp) await limit(options, 'ip', clientIp, options.intakePerIp);
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
    const header = context.request.headers.get('idempotency-key');
    if (header !== null) {
      if (!IDEMPOTENCY_KEY.test(header)) {
        throw new HttpProblem('VALIDATION_FAILED', 'Idempotency-Key: must be 1 to 255 printable ASCII characters', {
          errors: [{ pointer: '', path: ['Idempotency-Key'], message: 'must be 1 to 255 printable ASCII characters' }],
        });
      }
      if (input.idempotencyKey !== undefined && input.idempotencyKey !== header) {
        throw new HttpProblem('VALIDATION_FAILED', 'idempotencyKey: differs from the Idempotency-Key header', {
          errors: [
            {
              pointer: '/idempotencyKey',
              path: ['idempotencyKey'],
              message: 'differs from the Idempotency-Key header',
            },
          ],
        });
      }
      input.idempotencyKey = header;
    }
    const actor = intakeActor(context, input);
    if (options.intakePerEmail) {
      const email = actor.type === 'customer' ? actor.email : String((input.requester as { email?: unknown })?.email);
      await limit(options, 'email', email.toLowerCase(), options.intakePerEmail);
    }
    // One commit: the ticket and its token. The token is derived from the ticket id, so every retry of this
    // request (by Idempotency-Key) gets this same token.
    const { ticket, accessToken } = await desk.tickets.openWithAccessToken(input as never, {
      actor,
      accessToken: {
        derive: options.deriveToken,
        expiresIn: options.tokenExpiresIn,
      },
    });
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
