import type { AddressInfo } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

/** One email the desk sent, as the recipient's mail client reads it. */
export interface CapturedMail {
  /** Its place in the mailbox (1, 2, …). */
  id: number;
  /** When the capture received it. */
  receivedAt: Date;
  /** The sender, as displayed. */
  from: string;
  /** The recipients' addresses. */
  to: string[];
  /** Where a reply goes (Reply-To, or From). */
  replyTo: string;
  /** The subject line. */
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part as sent, or `null` for a text-only message; shown only in a sandboxed frame. */
  html: string | null;
  /** Its Message-ID, for a reply's In-Reply-To. */
  messageId: string;
  /** Its References, for a reply's References. */
  references: string[];
}

/** A local SMTP capture: the desk's outgoing mail lands here instead of the internet. */
export interface MailCapture {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Everything received, newest first. */
  messages(): CapturedMail[];
  /** Tickets whose mail it lets pass unkept (the older demo tickets: their mail is not the story). */
  ignoredTickets: Set<string>;
  /** Stops it. */
  close(): Promise<void>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) =>
    group.value.map((entry) => entry.address ?? ''),
  );

/** Starts the capture on 127.0.0.1 on a free port; messages are kept in memory. */
export async function startMailCapture(): Promise<MailCapture> {
  const kept: CapturedMail[] = [];
  const capture: MailCapture = {
    port: 0,
    ignoredTickets: new Set(),
    messages: () => [...kept].reverse(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          const ticket = mail.headers.get('x-ticketkit-ticket');
          if (typeof ticket === 'string' && capture.ignoredTickets.has(ticket)) return callback();
          // The older demo customers' mail after a restart (reminders): not the story either.
          if (addresses(mail.to).every((address) => address.endsWith('@example.net'))) return callback();
          const references = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
          kept.push({
            id: kept.length + 1,
            receivedAt: new Date(),
            from: mail.from?.text ?? '',
            to: addresses(mail.to),
            replyTo: addresses(mail.replyTo)[0] ?? addresses(mail.from)[0] ?? '',
            subject: mail.subject ?? '',
            text: (mail.text ?? '').trim(),
            html: typeof mail.html === 'string' ? mail.html : null,
            messageId: mail.messageId ?? '',
            references,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  capture.port = (server.server.address() as AddressInfo).port;
  return capture;
}

/**
 * Sends a reply to a captured message as its recipient's mail client would:
 * to its Reply-To, with In-Reply-To and References, and the original quoted
 * below (the intake strips the quote).
 */
export async function sendReply(mail: CapturedMail, text: string, receiverPort: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: receiverPort,
    secure: false,
    ignoreTLS: true,
  });
  const quoted = mail.text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  await transport.sendMail({
    from: mail.to[0],
    to: mail.replyTo,
    subject: /^re:/i.test(mail.subject) ? mail.subject : `Re: ${mail.subject}`,
    inReplyTo: mail.messageId,
    references: [...mail.references, mail.messageId],
    text: `${text}\n\nOn ${mail.receivedAt.toUTCString()}, ${mail.from} wrote:\n${quoted}\n`,
  });
  transport.close();
}
