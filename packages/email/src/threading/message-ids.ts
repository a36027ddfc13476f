import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32Decode, base32Encode } from './base32.js';

/**
 * How ticketkit names and signs its mail, shared by the notifier (which
 * writes Message-IDs and reply addresses) and the intake (which reads them
 * back): give both the same `domain` and `secret`.
 */
export interface ThreadingOptions {
  /** The right-hand side of every Message-ID, e.g. `support.example.com`. */
  domain: string;
  /**
   * Signs Message-IDs and reply tokens (HMAC-SHA256), so a forged
   * `In-Reply-To` or reply address cannot attach mail to someone's ticket.
   * At least 32 characters. Without it Message-IDs are unsigned and there is
   * no per-ticket reply address.
   */
  secret?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const toBase32 = (text: string) => base32Encode(encoder.encode(text));
const fromBase32 = (text: string) => {
  const bytes = base32Decode(text);
  if (!bytes) return null;
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
};
const UNSIGNED = 'u';

function sign(secret: string | undefined, purpose: string, value: string): string {
  if (!secret) return UNSIGNED;
  return base32Encode(createHmac('sha256', secret).update(`${purpose}\n${value}`).digest().subarray(0, 12));
}

function verify(secret: string | undefined, purpose: string, value: string, signature: string): boolean {
  const expected = sign(secret, purpose, value);
  const given = signature.toLowerCase();
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** The Message-ID every mail about a ticket refers to, so clients group them into one thread (no mail has it itself). */
export function threadRootId(options: ThreadingOptions, ticketId: string): string {
  return `<tk.${toBase32(ticketId)}.${sign(options.secret, 'thread', ticketId)}@${options.domain}>`;
}

/** The Message-ID of one notification: stable across retries, so a resent mail is recognisably the same. */
export function notificationMessageId(options: ThreadingOptions, ticketId: string, notificationId: string): string {
  const root = threadRootId(options, ticketId);
  return `${root.slice(0, root.indexOf('@'))}.${toBase32(notificationId)}@${options.domain}>`;
}

/** What one of our Message-IDs says. */
export interface ParsedMessageId {
  /** The ticket it belongs to. */
  ticketId: string;
  /** The notification it was, when it names one (the thread root does not). */
  notificationId: string | null;
}

// Bounded pieces: a hostile References header of any length is scanned once, linearly.
const ID_PATTERN = /<tk\.([a-z2-7]{1,200})\.([a-z2-7]{1,40})(?:\.([a-z2-7]{1,200}))?@([^<>\s]{1,255})>/gi;

/** Our Message-IDs (signed with this secret, on this domain) among the ids of a header, newest last. */
export function parseOurMessageIds(options: ThreadingOptions, header: string): ParsedMessageId[] {
  const found: ParsedMessageId[] = [];
  for (const match of header.matchAll(ID_PATTERN)) {
    const [, ticketPart = '', signature = '', notificationPart, domain = ''] = match;
    if (domain.toLowerCase() !== options.domain.toLowerCase()) continue;
    const ticketId = fromBase32(ticketPart);
    if (ticketId === null || !verify(options.secret, 'thread', ticketId, signature)) continue;
    const notificationId = notificationPart === undefined ? null : fromBase32(notificationPart);
    found.push({ ticketId, notificationId });
  }
  return found;
}

/** Adds the signed reply token to an address: `support@example.com` → `support+t<number>.<signature>@example.com`. */
export function replyAddressFor(secret: string, address: string, ticketNumber: string): string {
  const at = address.lastIndexOf('@');
  const token = `t${toBase32(ticketNumber)}.${sign(secret, 'reply', ticketNumber)}`;
  return `${address.slice(0, at)}+${token}${address.slice(at)}`;
}

const TOKEN_PATTERN = /\+t([a-z2-7]{1,100})\.([a-z2-7]{20})@/i;

/** The ticket number a reply address carries, when its signature holds; `null` otherwise. */
export function parseReplyAddress(secret: string | undefined, address: string): string | null {
  if (!secret) return null;
  const match = TOKEN_PATTERN.exec(address);
  if (!match) return null;
  const number = fromBase32(match[1] ?? '');
  return number !== null && verify(secret, 'reply', number, match[2] ?? '') ? number : null;
}
