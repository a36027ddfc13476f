import { createHash } from 'node:crypto';
import { type Actor, type HelpDesk, isTicketkitError, type Ticket, validationError } from '@ticketkit/core';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { parseOurMessageIds, parseReplyAddress, type ThreadingOptions } from '../threading/index.js';
import { readBounce } from './bounces.js';
import type { MessageLog } from './message-log.js';
import { memoryMessageLog } from './message-log.js';
import { automaticKind } from './noise.js';
import type { OriginalStore } from './originals.js';
import { createRateLimiter } from './rate-limit.js';
import { stripQuotedReply } from './strip-quotes.js';

/** Why the intake took no action on a message. */
export type IgnoreReason =
  | 'too-large'
  | 'duplicate'
  | 'own-address'
  | 'auto-reply'
  | 'bulk'
  | 'list'
  | 'mailer-daemon'
  | 'automatic-on-ticket'
  | 'delivery-delayed'
  | 'rate-limited'
  | 'no-sender'
  | 'refused'
  | 'unparseable';

/** How a message was matched to its ticket. */
export type MatchedBy = 'message-id' | 'reply-token' | 'subject-tag';

/** What {@link EmailIntake.ingest} did with a message. */
export type IngestResult =
  | {
      /** A new ticket. */
      kind: 'created';
      /** The ticket as committed. */
      ticket: Ticket;
      /** `new`: nothing matched; `follow-up`: a reply to a ticket closed past the reopen window. */
      reason: 'new' | 'follow-up';
      /** The closed ticket this one follows up, for `follow-up`. */
      followUpOf: string | null;
      /** Whether the requester gets the auto-response (not for automatic mail). */
      autoResponse: boolean;
      /** The message's Message-ID. */
      messageId: string;
    }
  | {
      /** Added to an existing ticket. */
      kind: 'replied';
      /** The ticket as committed. */
      ticket: Ticket;
      /** How the message was matched to the ticket. */
      matchedBy: MatchedBy;
      /** As the requester's message, an agent's public reply, or an internal note (anyone else on the thread). */
      as: 'customer' | 'agent' | 'note';
      /** The message's Message-ID. */
      messageId: string;
    }
  | {
      /** Nothing done. */
      kind: 'ignored';
      /** Why. */
      reason: IgnoreReason;
      /** A sentence for logs. */
      detail: string;
      /** The message's Message-ID, when it has one. */
      messageId: string | null;
    }
  | {
      /** A delivery-status report: recorded, never a ticket. */
      kind: 'bounced';
      /** The ticket of the message that bounced, when it was ours. */
      ticketId: string | null;
      /** The delivery (the notification id) that bounced, when it was ours. */
      deliveryId: string | null;
      /** The address that did not get it. */
      recipient: string | null;
      /** The enhanced status code (`5.1.1`). */
      status: string | null;
      /** The remote server's answer. */
      diagnostic: string | null;
      /** The report's Message-ID. */
      messageId: string;
    };

/** Options of {@link createEmailIntake}. */
export interface EmailIntakeOptions {
  /** Message-ID domain and secret: the same as the notifier's `threading`. */
  threading: ThreadingOptions;
  /** Our own addresses (support@…): mail from them is never taken (it would loop). The notifier's `from` belongs here. */
  ownAddresses: readonly string[];
  /** The department of new tickets; the desk's default when left out. */
  departmentId?: string;
  /**
   * Messages larger than this (bytes of raw MIME) are refused with `too-large`.
   * @default 10485760 (10 MB)
   */
  maxBytes?: number;
  /**
   * What to do with automatic mail (`Auto-Submitted: auto-generated`, a
   * monitoring alert) that matches no ticket: `open` a ticket without an
   * auto-response, or `ignore` it. Auto-replies, bulk and list mail are always ignored.
   * @default 'open'
   */
  automatic?: 'open' | 'ignore';
  /**
   * At most this many messages per sender address per `rateWindow` ms; the rest are `rate-limited`.
   * @default 30
   */
  rateLimit?: number;
  /**
   * @default 600000 (10 minutes)
   */
  rateWindowMs?: number;
  /**
   * A fast path in front of the desk: the Message-IDs this intake took, so a
   * repeat is answered `ignored`/`duplicate` without asking the desk. In
   * memory by default (see {@link MessageLog}). It is not what makes intake
   * safe to repeat: every message's Message-ID goes to the desk as the
   * idempotency key of the ticket, reply or note it becomes, stored with it.
   */
  messageLog?: MessageLog;
  /** Where each taken message is kept as it arrived; not kept when left out (see {@link fileOriginals}). */
  originals?: OriginalStore;
  /** Called for each bounce, e.g. to mark the address or show it beside the delivery. */
  onBounce?: (bounce: Extract<IngestResult, { kind: 'bounced' }>) => void | Promise<void>;
}

/** Turns raw email into tickets and replies; see {@link createEmailIntake}. */
export interface EmailIntake {
  /** Takes one message (raw MIME, as received) and says what it did. Never throws for a bad message; throws only when the desk fails. */
  ingest(raw: Uint8Array | string): Promise<IngestResult>;
  /** The options in effect (for receivers: the size limit). */
  readonly maxBytes: number;
}

// Input fields that come from the message: refusing one of them is refusing the message, not a failure of the desk.
const MESSAGE_FIELDS = new Set(['requester', 'subject', 'body']);
const BODY_MAX = 100_000;
const SUBJECT_MAX = 255;
const NAME_MAX = 200;
const flatten = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
// Lone surrogates (a cut in the middle of a pair, a broken encoder) become U+FFFD: core refuses them.
const wellFormed = (value: string) =>
  value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
// Control characters a message body may not hold (line breaks and tabs stay).
const bodyText = (value: string) =>
  wellFormed(value)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
/**
 * The desk's idempotency key for a message: its Message-ID, namespaced and
 * hashed (a Message-ID may be longer than a key, or hold characters a key may
 * not). The desk stores it with the ticket, reply or note the message became,
 * so the same message taken again — after a restart, by another process —
 * writes nothing.
 */
const messageKey = (messageId: string) => `email:${createHash('sha256').update(messageId).digest('base64url')}`;
const REPLY_PREFIX = /^(?:\s*(?:re|fwd?|aw|wg|sv|vs|antw|réf|tr|rif|r)\s*(?:\[\d{1,4}\])?\s*:\s*){1,10}/i;
const TAG = /\[#([A-Za-z0-9-]{1,40})\]/;

const addressesOf = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((object) =>
    object.value.flatMap((entry) => [entry, ...(entry.group ?? [])]),
  );

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const value = parsed.headers.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join(' ');
  if (typeof value === 'object' && value !== null && 'value' in value)
    return String((value as { value: unknown }).value);
  return String(value);
}

/** A header's value as written (unfolded, not decoded): mailparser folds some, such as `List-*`, into objects. */
function rawHeader(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((header) => header.key === name)?.line;
  return line === undefined
    ? undefined
    : line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
}

/**
 * The email intake: `ingest(rawMime)` turns a message into a new ticket or a
 * reply on the right one, and says what it did and why. Matching, in order:
 * our Message-IDs in `In-Reply-To`/`References`, then the signed reply token
 * in the recipient address, then `[#number]` in the subject only when the
 * sender is the ticket's requester, otherwise a new ticket (a reply to a
 * ticket closed past the reopen window opens a new one linked to it). The
 * same Message-ID is taken once, durably: it is the desk's idempotency key
 * for what the message writes, so a second process or a restart finds it
 * (a message without one is keyed by a hash of its bytes). Automatic mail
 * never gets an auto-response; auto-replies, bulk mail, our own mail and
 * mailer daemons are ignored; delivery-status reports are bounces, never
 * tickets.
 *
 * @example
 * ```ts
 * const intake = createEmailIntake(desk, {
 *   threading: { domain: 'help.example.com', secret: process.env.EMAIL_SECRET },
 *   ownAddresses: ['support@example.com'],
 * });
 * const result = await intake.ingest(rawMime); // { kind: 'created', ticket, … }
 * ```
 */
export function createEmailIntake(desk: HelpDesk, options: EmailIntakeOptions): EmailIntake {
  if (!options.threading?.domain) {
    throw validationError([{ path: ['threading', 'domain'], message: 'must name the Message-ID domain' }]);
  }
  const own = new Set((options.ownAddresses ?? []).map((address) => address.toLowerCase()));
  if (own.size === 0) {
    throw validationError([{ path: ['ownAddresses'], message: 'must list at least the address you send from' }]);
  }
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const log = options.messageLog ?? memoryMessageLog();
  const inFlight = new Map<string, Promise<IngestResult>>();
  const limiter = createRateLimiter(options.rateLimit ?? 30, options.rateWindowMs ?? 600_000);
  const system: Actor = { type: 'system', name: 'Email intake' };
  const isOwn = (address: string) => {
    const lower = address.toLowerCase();
    // support+t…@example.com is ours too: the reply address the notifier hands out.
    return own.has(lower) || own.has(lower.replace(/\+[^@]*@/, '@'));
  };

  async function findTicket(ref: string): Promise<Ticket | null> {
    try {
      return await desk.tickets.get(ref, { actor: system });
    } catch (error) {
      if (isTicketkitError(error, 'NOT_FOUND') || isTicketkitError(error, 'VALIDATION_FAILED')) return null;
      throw error;
    }
  }

  async function match(parsed: ParsedMail, sender: string): Promise<{ ticket: Ticket; by: MatchedBy } | null> {
    const references = [headerText(parsed, 'references') ?? '', headerText(parsed, 'in-reply-to') ?? ''].join(' ');
    const ours = parseOurMessageIds(options.threading, references.slice(0, 65_536));
    for (const id of ours.reverse()) {
      const ticket = await findTicket(id.ticketId);
      if (ticket) return { ticket, by: 'message-id' };
    }
    const recipients = [
      ...addressesOf(parsed.to),
      ...addressesOf(parsed.cc),
      ...['delivered-to', 'x-original-to', 'envelope-to'].map((name) => ({ address: headerText(parsed, name) })),
    ];
    for (const { address } of recipients) {
      const number = address ? parseReplyAddress(options.threading.secret, address) : null;
      const ticket = number ? await findTicket(number) : null;
      if (ticket) return { ticket, by: 'reply-token' };
    }
    const tag = TAG.exec((parsed.subject ?? '').slice(0, 1_000));
    if (tag?.[1]) {
      const ticket = await findTicket(tag[1]);
      // A number in a subject is easy to guess: it only counts coming from the ticket's own requester.
      if (ticket && ticket.requester.email.toLowerCase() === sender) return { ticket, by: 'subject-tag' };
    }
    return null;
  }

  async function bounce(parsed: ParsedMail, sender: string, messageId: string): Promise<IngestResult | null> {
    const report = readBounce(parsed, sender);
    if (!report) return null;
    if (report.action === 'delayed' || report.action === 'relayed' || report.action === 'delivered') {
      return { kind: 'ignored', reason: 'delivery-delayed', detail: `delivery report: ${report.action}`, messageId };
    }
    const ours = parseOurMessageIds(options.threading, report.returned).find((id) => id.notificationId !== null);
    const result: Extract<IngestResult, { kind: 'bounced' }> = {
      kind: 'bounced',
      ticketId: ours?.ticketId ?? null,
      deliveryId: ours?.notificationId ?? null,
      recipient: report.recipient,
      status: report.status,
      diagnostic: report.diagnostic,
      messageId,
    };
    if (result.ticketId && (await findTicket(result.ticketId))) {
      const reason = [report.status, report.diagnostic].filter(Boolean).join(' ') || 'the message was not delivered';
      // Shown where "check your email logs" leads: the delivery itself becomes dead, with the server's answer.
      const delivery = result.deliveryId
        ? await desk.deliveries.recordBounce(result.deliveryId, reason.slice(0, 1_900))
        : null;
      const what = delivery
        ? `the ${delivery.notification.type.replace('ticket.', '').replace('_', ' ')}`
        : 'a message';
      // And in the thread, where agents work: the customer did not get it.
      await desk.tickets.note(
        result.ticketId,
        {
          body: bodyText(
            `Email bounced: ${what} to ${report.recipient ?? 'the recipient'} was not delivered` +
              `${report.status ? ` (status ${report.status})` : ''}.\n${report.diagnostic ?? ''}`,
          ).trim(),
          idempotencyKey: messageKey(messageId),
        },
        { actor: system },
      );
    }
    await options.onBounce?.(result);
    return result;
  }

  async function actorFor(
    ticket: Ticket,
    sender: string,
  ): Promise<{ actor: Actor; as: 'customer' | 'agent' | 'note' }> {
    if (ticket.requester.email.toLowerCase() === sender) {
      return { actor: { type: 'customer', email: ticket.requester.email }, as: 'customer' };
    }
    const agent = (await desk.agents.list()).find((candidate) => candidate.email?.toLowerCase() === sender);
    if (agent) return { actor: { type: 'agent', id: agent.id }, as: 'agent' };
    return { actor: { type: 'system', name: `Email from ${sender}` }, as: 'note' };
  }

  async function take(raw: Uint8Array, parsed: ParsedMail, messageId: string): Promise<IngestResult> {
    // A malformed From can parse as a group whose first member has no address: take the first real one.
    const from = addressesOf(parsed.from).find((entry) => entry.address);
    const sender = (from?.address ?? '').toLowerCase();
    if (!sender) return { kind: 'ignored', reason: 'no-sender', detail: 'the message has no From address', messageId };
    if (isOwn(sender)) {
      return { kind: 'ignored', reason: 'own-address', detail: `from our own address ${sender}`, messageId };
    }
    const bounced = await bounce(parsed, sender, messageId);
    if (bounced) return bounced;
    const subject = wellFormed(flatten(parsed.subject ?? ''));
    const automatic = automaticKind((name) => rawHeader(parsed, name), sender, subject);
    if (automatic && automatic !== 'auto-generated') {
      return {
        kind: 'ignored',
        reason: automatic,
        detail: `automatic message (${automatic}) from ${sender}`,
        messageId,
      };
    }
    if (!limiter.take(sender, Date.now())) {
      return { kind: 'ignored', reason: 'rate-limited', detail: `too many messages from ${sender}`, messageId };
    }

    const full = bodyText(parsed.text ?? '');
    // Far more than a body may hold is not read further; the cut may split a surrogate pair, so it is mended.
    const { text } = stripQuotedReply(full.length > BODY_MAX * 4 ? wellFormed(full.slice(0, BODY_MAX * 4)) : full);
    const body = clip(text || '(no text)', BODY_MAX);
    const keep = async (ticket: Ticket) => {
      await options.originals?.put(ticket.id, messageId, raw);
    };

    const matched = await match(parsed, sender);
    if (matched) {
      if (automatic) {
        const detail = `automatic message on ticket #${matched.ticket.number}`;
        return { kind: 'ignored', reason: 'automatic-on-ticket', detail, messageId };
      }
      const { actor, as } = await actorFor(matched.ticket, sender);
      const idempotencyKey = messageKey(messageId);
      const ticket =
        as === 'note'
          ? await desk.tickets.note(
              matched.ticket.id,
              { body: clip(`From ${sender}:\n\n${body}`, BODY_MAX), idempotencyKey },
              { actor },
            )
          : await desk.tickets.reply(matched.ticket.id, { body, idempotencyKey }, { actor });
      await keep(ticket);
      if (ticket.id !== matched.ticket.id) {
        return {
          kind: 'created',
          ticket,
          reason: 'follow-up',
          followUpOf: matched.ticket.number,
          autoResponse: true,
          messageId,
        };
      }
      return { kind: 'replied', ticket, matchedBy: matched.by, as, messageId };
    }
    if (automatic && options.automatic === 'ignore') {
      return {
        kind: 'ignored',
        reason: 'auto-reply',
        detail: `automatic message (${automatic}) from ${sender}`,
        messageId,
      };
    }
    const name = wellFormed(flatten(from?.name ?? '').slice(0, NAME_MAX));
    const ticket = await desk.tickets.open(
      {
        requester: { email: sender, ...(name ? { name } : {}) },
        subject: clip(subject.replace(REPLY_PREFIX, '').trim() || '(no subject)', SUBJECT_MAX),
        body,
        source: 'email',
        ...(options.departmentId ? { departmentId: options.departmentId } : {}),
        idempotencyKey: messageKey(messageId),
      },
      { actor: system, autoResponse: !automatic },
    );
    await keep(ticket);
    return { kind: 'created', ticket, reason: 'new', followUpOf: null, autoResponse: !automatic, messageId };
  }

  /** Takes a message unless the log knows it; records what was done (a rate-limited message may come back). */
  async function once(raw: Uint8Array, parsed: ParsedMail, messageId: string): Promise<IngestResult> {
    const before = await log.get(messageId);
    if (before !== null) return { kind: 'ignored', reason: 'duplicate', detail: `already taken: ${before}`, messageId };
    const result = await take(raw, parsed, messageId).catch((error: unknown) => {
      // A message with this Message-ID became something else before (the same message changed on its way, a
      // list's footer, or another message reusing the ID): the desk keeps the first, and this copy is a duplicate.
      if (isTicketkitError(error, 'IDEMPOTENCY_MISMATCH')) {
        const detail = 'a message with this Message-ID was taken already, with other content';
        return { kind: 'ignored', reason: 'duplicate', detail, messageId } as const;
      }
      // What the desk refuses about the message itself is the message's fault, and answering "try again" would
      // make the sender retry it forever: a sender address it does not accept, a plugin's spam check, a reply
      // the ticket's state does not allow (an agent writing to a closed ticket).
      if (refusesMessage(error)) {
        const detail = `the desk refused it: ${error.message}`;
        return { kind: 'ignored', reason: 'refused', detail, messageId } as const;
      }
      throw error;
    });
    if (result.kind !== 'ignored' || result.reason !== 'rate-limited') await log.set(messageId, describe(result));
    return result;
  }

  return {
    maxBytes,
    async ingest(input) {
      const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
      if (raw.byteLength > maxBytes) {
        const detail = `the message is ${raw.byteLength} bytes, over the limit of ${maxBytes}`;
        return { kind: 'ignored', reason: 'too-large', detail, messageId: null };
      }
      let parsed: ParsedMail;
      try {
        parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
          keepDeliveryStatus: true,
          skipTextToHtml: true,
          skipImageLinks: true,
          skipTextLinks: true,
          maxHtmlLengthToParse: 2 * 1024 * 1024,
        });
      } catch (error) {
        return {
          kind: 'ignored',
          reason: 'unparseable',
          detail: `cannot parse: ${(error as Error).message}`,
          messageId: null,
        };
      }
      // No Message-ID (it happens): the content stands in, so a redelivery is still recognised.
      const messageId =
        flatten(parsed.messageId ?? '').slice(0, 998) ||
        `<sha256.${createHash('sha256').update(raw).digest('hex')}@ticketkit>`;
      // The same message twice at once (a provider retrying a slow webhook): the second waits for the first,
      // registered before anything is awaited so no copy slips past the log while the first is being taken.
      const running = inFlight.get(messageId);
      if (running) {
        const first = await running.catch(() => null);
        if (first)
          return { kind: 'ignored', reason: 'duplicate', detail: `already taken: ${describe(first)}`, messageId };
      }
      const work = once(raw, parsed, messageId);
      inFlight.set(messageId, work);
      try {
        return await work;
      } finally {
        if (inFlight.get(messageId) === work) inFlight.delete(messageId);
      }
    },
  };
}

function refusesMessage(error: unknown): error is Error {
  if (isTicketkitError(error, 'VALIDATION_FAILED')) {
    return error.issues.every((issue) => MESSAGE_FIELDS.has(String(issue.path[0])));
  }
  return (
    isTicketkitError(error, 'INVALID_TRANSITION') ||
    isTicketkitError(error, 'FORBIDDEN') ||
    isTicketkitError(error, 'CONFIRMATION_REQUIRED')
  );
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n[… cut here: the message was longer; the original is kept]';
  return wellFormed(text.slice(0, max - note.length)) + note;
}

function describe(result: IngestResult): string {
  switch (result.kind) {
    case 'created':
    case 'replied':
      return `${result.kind} #${result.ticket.number}`;
    case 'bounced':
      return `bounce of ${result.deliveryId ?? 'an unknown message'}`;
    case 'ignored':
      return `ignored (${result.reason})`;
  }
}
