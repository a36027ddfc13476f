import * as z from 'zod';

// The option apart from the route: the server's options check reads it without importing the routes.

/**
 * `POST /inbound/email`: raw email from a provider's inbound webhook
 * (Mailgun, SendGrid, Postmark, a Postfix pipe) handed to an email intake.
 * The server does not depend on `@ticketkit/email`: pass its intake's
 * `ingest`.
 *
 * @example
 * ```ts
 * const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'] });
 * createSupportApi(desk, { inboundEmail: { secret: process.env.INBOUND_SECRET, ingest: intake.ingest } });
 * ```
 */
export interface InboundEmailOptions {
  /**
   * The shared secret the provider sends: as the password of HTTP Basic auth
   * (`https://any:SECRET@help.example.com/inbound/email`, what providers
   * support) or in the `X-Ticketkit-Inbound-Secret` header. At least 32 characters.
   */
  secret: string;
  /** Takes one raw message; `createEmailIntake(…).ingest`. */
  ingest: (raw: Uint8Array) => Promise<{ kind: string; reason?: string; ticket?: { number: string } }>;
  /**
   * The largest message accepted, in bytes (413 beyond).
   * @default 10485760 (10 MB)
   */
  maxBytes?: number;
}

/** Schema of the `inboundEmail` option, for the server's options check. */
export const inboundEmailOptionsSchema = z.strictObject({
  secret: z.string().min(32, { message: 'must be at least 32 characters' }),
  ingest: z.custom<InboundEmailOptions['ingest']>((value) => typeof value === 'function', {
    message: 'must be a function',
  }),
  maxBytes: z.number().int().min(1).optional(),
});
