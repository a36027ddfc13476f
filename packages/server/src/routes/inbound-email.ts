import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import { readInTime } from '../http/read-json.js';
import type { InboundEmailOptions } from './inbound-email-options.js';
import { json, type RouteSpec } from './route.js';

export { type InboundEmailOptions, inboundEmailOptionsSchema } from './inbound-email-options.js';

const inboundEmailResponse = z.object({
  /** `created`, `replied`, `ignored` or `bounced`. */
  result: z.string(),
  /** Why: the reason a message was ignored, `new` or `follow-up` for a ticket created. */
  reason: z.string().nullable(),
  /** The ticket it created or replied to. */
  ticketNumber: z.string().nullable(),
});

// A provider posts up to `maxBytes` of mail: more time than a JSON command gets, still bounded against slow clients.
const BODY_TIMEOUT_MS = 60_000;

const digest = (value: string) => createHash('sha256').update(value).digest();
// Form fields providers put the raw message in: SendGrid's raw mode, Mailgun's MIME route.
const MIME_FIELDS = ['email', 'body-mime'];

function presentedSecret(request: Request): string | null {
  const header = request.headers.get('x-ticketkit-inbound-secret');
  if (header !== null) return header;
  const authorization = request.headers.get('authorization') ?? '';
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

async function rawMessage(request: Request, maxBytes: number): Promise<Uint8Array> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const bytes = await readInTime(request, maxBytes, BODY_TIMEOUT_MS);
  if (type === 'message/rfc822' || type === 'text/plain' || type === 'application/octet-stream') return bytes;
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    const form = await new Response(new Uint8Array(bytes), {
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
    })
      .formData()
      .catch(() => null);
    for (const name of MIME_FIELDS) {
      const value = form?.get(name);
      if (typeof value === 'string') return new TextEncoder().encode(value);
      if (value) return new Uint8Array(await value.arrayBuffer());
    }
    throw new HttpProblem(
      'VALIDATION_FAILED',
      'The form has no raw message: send it in the field `email` or `body-mime`',
      {
        errors: [{ pointer: '/email', path: ['email'], message: 'required' }],
      },
    );
  }
  throw new HttpProblem(
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the raw message as message/rfc822, or a form with the field `email` or `body-mime`',
  );
}

/** The `POST /inbound/email` route over the host's intake. */
export function inboundEmailRoute(options: InboundEmailOptions): RouteSpec {
  const expected = digest(options.secret);
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  return {
    method: 'POST',
    path: '/inbound/email',
    operationId: 'inboundEmail',
    summary:
      "A provider's inbound email webhook: the raw message (message/rfc822, or the form field `email` / `body-mime`), authenticated by the shared secret (HTTP Basic password or X-Ticketkit-Inbound-Secret).",
    access: 'anyone',
    ownAuthentication: true,
    rawBody: ['message/rfc822', 'multipart/form-data', 'application/x-www-form-urlencoded'],
    headers: [
      { name: 'X-Ticketkit-Inbound-Secret', description: 'The shared secret (or send it as the HTTP Basic password).' },
    ],
    responses: {
      200: {
        description: 'What the intake did: a ticket created or replied to, or why the message was ignored.',
        schema: inboundEmailResponse,
      },
    },
    async handle({ request }) {
      const secret = presentedSecret(request);
      // Compared as digests: constant time whatever the lengths.
      if (secret === null || !timingSafeEqual(digest(secret), expected)) {
        throw new HttpProblem(
          'UNAUTHENTICATED',
          'The inbound email secret is missing or wrong',
          {},
          {
            'www-authenticate': 'Basic realm="inbound email"',
          },
        );
      }
      const result = await options.ingest(await rawMessage(request, maxBytes));
      return json(200, {
        result: result.kind,
        reason: result.reason ?? null,
        ticketNumber: result.ticket?.number ?? null,
      });
    },
  };
}
