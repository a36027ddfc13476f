import {
  assignInputSchema,
  bodyInputSchema,
  confirmResolutionInputSchema,
  feedbackInputSchema,
  openTicketInputSchema,
  recordIdSchema,
  reopenInputSchema,
  replyInputSchema,
  resolveInputSchema,
  transferInputSchema,
  updateInputSchema,
} from '@ticketkit/core';
import * as z from 'zod';

/*
 * The request bodies as the API document states them. The core's command
 * schemas validate every request; these restate, from the same field schemas,
 * the rules a refine hides from JSON Schema ("body or cannedResponseId",
 * "agentId or teamId", "at least one field", non-blank text), so a client
 * generated from the document makes the calls the server accepts.
 * request-bodies.test.ts holds both to the same verdicts.
 */

export const IDEMPOTENCY_KEY_MESSAGE =
  'must be 16 to 255 characters of A–Z, a–z, 0–9 and - _ . ~ + / = (a random value, e.g. a UUID)';

/** What an `Idempotency-Key` may be: long enough to be random, in characters every random-key generator uses. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._~+/=-]{16,255}$/, { message: IDEMPOTENCY_KEY_MESSAGE })
  .describe(
    'A random value you make per request (a UUID, or 16+ random characters), 16 to 255 of A–Z, a–z, 0–9 and - _ . ~ + / =. ' +
      'Only the caller who sent it can replay it: keys are scoped to your session, or — for anonymous intake — to the requester, ' +
      'so a guessable key would let others replay your request.',
  );

type Shape = Record<string, z.ZodType>;

/** Text the desk refuses when blank: the document says "contains something other than white space". */
const notBlank = (schema: z.ZodType) =>
  schema instanceof z.ZodOptional
    ? (schema.unwrap() as z.ZodType).meta({ pattern: '\\S' }).optional()
    : schema.meta({ pattern: '\\S' });

/** A shape with the named text fields marked non-blank. */
function withText(shape: Shape, names: string[]): Shape {
  return Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => [name, names.includes(name) ? notBlank(schema) : schema]),
  );
}

const strict = (schema: z.ZodObject, names: string[]) => z.strictObject(withText(schema.shape as Shape, names));
const requesterShape = (openTicketInputSchema.shape.requester.unwrap() as z.ZodObject).shape as Shape;

/**
 * The `POST /tickets` body: the open input, with the email's format, non-blank
 * texts and the intake form's honeypot field (empty or `null`) when there is one.
 */
export function openTicketBody(honeypotField: string | null): z.ZodType {
  const requester = z
    .strictObject({
      email: (requesterShape.email as z.ZodType).meta({ format: 'email' }),
      name: notBlank(requesterShape.name as z.ZodType),
    })
    .optional()
    .meta({
      description:
        'Who the ticket is for. Required without a session (anonymous intake); a signed-in customer is the requester.',
    });
  const trap = honeypotField
    ? {
        [honeypotField]: z
          .union([z.literal(''), z.null()])
          .optional()
          .meta({
            description:
              'The intake form’s honeypot: hidden from people, sent empty. Filled in, the ticket is refused.',
          }),
      }
    : {};
  const { requester: _requester, ...rest } = openTicketInputSchema.shape as Shape;
  return z.strictObject({
    requester,
    ...withText(rest, ['subject', 'body']),
    idempotencyKey: idempotencyKeySchema.optional(),
    ...trap,
  });
}

/** A body's `idempotencyKey`: the `Idempotency-Key` header's alternative, under the header's rule. */
const bodyKey = idempotencyKeySchema
  .optional()
  .meta({ description: 'The `Idempotency-Key` header’s value, for clients that cannot set headers; the same rules.' });

const replyShape = replyInputSchema.shape as Shape;
/** `POST /tickets/{ref}/replies`: a `body`, a `cannedResponseId`, or both. */
export const replyBody = z
  .union([
    z.strictObject({
      body: notBlank((replyShape.body as z.ZodOptional).unwrap() as z.ZodType),
      cannedResponseId: replyShape.cannedResponseId as z.ZodType,
      idempotencyKey: bodyKey,
    }),
    z.strictObject({
      body: notBlank(replyShape.body as z.ZodType),
      cannedResponseId: (replyShape.cannedResponseId as z.ZodOptional).unwrap() as z.ZodType,
      idempotencyKey: bodyKey,
    }),
  ])
  .meta({
    description: 'The message: `body`, or `cannedResponseId`, or both (then `body` is sent: the agent’s edit).',
  });

const assignShape = assignInputSchema.shape as Shape;
/** `POST /tickets/{ref}/assign`: an agent, a team, or both. */
export const assignBody = z
  .union([
    z.strictObject({ agentId: recordIdSchema, teamId: assignShape.teamId as z.ZodType }),
    z.strictObject({ agentId: assignShape.agentId as z.ZodType, teamId: recordIdSchema }),
  ])
  .meta({ description: 'Name an `agentId`, a `teamId`, or both.' });

/** `PATCH /tickets/{ref}`: at least one field to change. */
export const updateBody = strict(updateInputSchema, ['subject']).meta({
  minProperties: 1,
  description: 'The fields to change: at least one.',
});

/** `POST /tickets/{ref}/request-info`. */
export const textBody = strict(bodyInputSchema, ['body']);
/** `POST /tickets/{ref}/notes`. */
export const noteBody = z.strictObject({ ...textBody.shape, idempotencyKey: bodyKey });
/** `POST /tickets/{ref}/resolve`. */
export const resolveBody = strict(resolveInputSchema, ['resolutionNote', 'body']);
/** `POST /tickets/{ref}/transfer`. */
export const transferBody = strict(transferInputSchema, ['note']);
/** `POST /tickets/{ref}/confirm`. */
export const confirmBody = strict(confirmResolutionInputSchema, ['comment']);
/** `POST /tickets/{ref}/feedback`. */
export const feedbackBody = strict(feedbackInputSchema, ['comment']);
/** `POST /tickets/{ref}/reopen`. */
export const reopenBody = strict(reopenInputSchema, ['reason']);
