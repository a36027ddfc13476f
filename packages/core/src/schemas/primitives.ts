import * as z from 'zod';
import { parseDuration } from '../time/duration.js';

/**
 * Size limits on text that comes from outside. Generous for people, small
 * enough that one request cannot fill a database or a mail queue.
 */
export const LIMITS = {
  /** Ticket subjects. */
  subject: 255,
  /** Names of people, departments, teams, plans, canned responses. */
  name: 200,
  /** Message, reply and note bodies (characters). */
  body: 100_000,
  /** Short free texts: reopen reasons, feedback comments. */
  shortText: 5_000,
  /** Host-chosen ids of directory records and custom statuses. */
  id: 128,
  /** Ticket references (an id or a ticket number). */
  ref: 128,
  /** Idempotency keys. */
  idempotencyKey: 255,
  /** Search text. */
  searchText: 200,
  /** Custom field names. */
  fieldName: 64,
  /** Nesting depth of any structured input. */
  depth: 16,
  /** Largest page a list returns. */
  pageSize: 100,
} as const;

// C0 controls (except tab, LF, CR), DEL and C1 controls: never meaningful in a help desk text.
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// One-line fields also refuse tab, CR/LF and the Unicode line/paragraph separators,
// so a subject can never smuggle a second header line into an email or HTTP response.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** Whether a string is well-formed UTF-16 (no lone surrogates), so it survives UTF-8 storage unchanged. */
export function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is in Node 20 and current browsers; the fallback keeps older runtimes honest.
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof native === 'function') return native.call(text);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function text(max: number, forbidden: RegExp, what: string) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .refine(isWellFormed, { message: 'must be well-formed Unicode (no lone surrogates)', abort: true })
    .refine((value) => !forbidden.test(value), { message: `must not contain control characters${what}` });
}

/** A one-line text: trimmed, non-empty, no control characters or line breaks. */
export function singleLineText(max: number = LIMITS.name) {
  return text(max, SINGLE_LINE_FORBIDDEN, ' or line breaks')
    .transform((value) => value.trim())
    .pipe(z.string().min(1, { message: 'must not be empty' }));
}

/** A multi-line text such as a message body: not blank, line breaks and tabs allowed, stored exactly as given. */
export function multilineText(max: number = LIMITS.body) {
  return text(max, MULTILINE_FORBIDDEN, '').refine((value) => value.trim().length > 0, {
    message: 'must not be empty',
  });
}

/** A host-chosen id for a directory record: letters, digits and `_ . : -`. */
export const recordIdSchema = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(LIMITS.id, { message: `must be at most ${LIMITS.id} characters` })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, {
    message: 'must start with a letter or digit and contain only letters, digits, _ . : -',
  });

/** An email address, compared case-insensitively and therefore stored in lower case. */
export const emailSchema = z
  .string()
  .max(254, { message: 'must be at most 254 characters' })
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((value) => value.toLowerCase());

/** An instant as an ISO 8601 UTC string (`2026-11-22T10:00:00.000Z`). */
export const instantSchema = z.iso.datetime({ message: 'must be an ISO 8601 date-time' });

/** An instant as stored and returned: ISO 8601 UTC. */
export type Instant = z.infer<typeof instantSchema>;

/** A {@link Duration} string, checked at parse time. */
export const durationSchema = z
  .string()
  .max(32, { message: 'must be at most 32 characters' })
  .refine((value) => parseDuration(value) !== undefined, {
    message: "must be a duration such as '15m', '8h', '3d' or 'PT8H'",
  });

/** A ticket reference: its id or its number. */
export const ticketRefSchema = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(LIMITS.ref, { message: `must be at most ${LIMITS.ref} characters` })
  .regex(/^[\x21-\x7E]+$/, { message: 'must be printable ASCII without spaces' });

/** An opaque pagination cursor as returned in `nextCursor`. */
export const cursorSchema = z
  .string()
  .max(512, { message: 'must be at most 512 characters' })
  .regex(/^[A-Za-z0-9_-]*$/, { message: 'is not a cursor returned by this desk' });

/** A page size. */
export const limitSchema = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be at least 1' })
  .max(LIMITS.pageSize, { message: `must be at most ${LIMITS.pageSize}` });

/** Any JSON value, as custom fields and event data may hold. */
export const jsonValueSchema = z.json();

/** A JSON value. */
export type JsonValue = z.infer<typeof jsonValueSchema>;
