import * as z from 'zod';
import { authorSchema } from './actor.js';
import { threadEntryKindSchema } from './enums.js';
import { instantSchema, jsonValueSchema } from './primitives.js';

/** Schema of {@link ThreadEntry}. */
export const threadEntrySchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  kind: threadEntryKindSchema,
  /** Internal entries (notes, most events) are never shown to customers. */
  internal: z.boolean(),
  author: authorSchema,
  body: z.string(),
  /** Structured details of `event` entries (what changed), or `null`. */
  data: z.record(z.string(), jsonValueSchema).nullable(),
  createdAt: instantSchema,
});

/** One entry of a ticket's conversation: a customer message, an agent reply, an internal note or an event. */
export type ThreadEntry = z.infer<typeof threadEntrySchema>;
