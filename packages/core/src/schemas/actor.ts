import * as z from 'zod';
import { emailSchema, recordIdSchema, singleLineText } from './primitives.js';

/** Schema of a customer acting on their own tickets. */
export const customerActorSchema = z.strictObject({
  type: z.literal('customer'),
  email: emailSchema,
  name: singleLineText().optional(),
});

/** Schema of an agent (or admin) of the help desk, known by their directory id. */
export const agentActorSchema = z.strictObject({
  type: z.literal('agent'),
  id: recordIdSchema,
});

/** Schema of the help desk itself: the scheduler, an email gateway, a plugin. */
export const systemActorSchema = z.strictObject({
  type: z.literal('system'),
  name: singleLineText().optional(),
});

/** Schema of {@link Actor}. */
export const actorSchema = z.discriminatedUnion('type', [customerActorSchema, agentActorSchema, systemActorSchema]);

/**
 * Who performs a command or query. Hosts build it from their own session:
 * `{ type: 'customer', email }`, `{ type: 'agent', id }` or `{ type: 'system' }`.
 */
export type Actor = z.infer<typeof actorSchema>;
/** A customer actor. */
export type CustomerActor = z.infer<typeof customerActorSchema>;
/** An agent actor. */
export type AgentActor = z.infer<typeof agentActorSchema>;
/** The system actor. */
export type SystemActor = z.infer<typeof systemActorSchema>;

/** Schema of {@link Author}. */
export const authorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('customer'), email: z.string(), name: z.string().nullable() }),
  z.object({ type: z.literal('agent'), id: z.string(), name: z.string().nullable() }),
  z.object({ type: z.literal('system'), name: z.string().nullable() }),
]);

/** Who wrote a thread entry, with the display name they had at the time. */
export type Author = z.infer<typeof authorSchema>;
