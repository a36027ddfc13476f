import type { ParsedMail } from 'mailparser';

/** What a delivery-status report says about the failed message. */
export interface BounceReport {
  /** `failed` or `delayed` (RFC 3464 `Action`); `failed` when the report does not say. */
  action: string;
  /** The address that did not get the message. */
  recipient: string | null;
  /** The enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  /** The remote server's answer, e.g. `smtp; 550 5.1.1 No such user`. */
  diagnostic: string | null;
  /** Text in which to look for the failed message's Message-ID (its returned headers). */
  returned: string;
}

const field = (text: string, name: string) => {
  const start = text.search(new RegExp(`^${name}:`, 'im'));
  if (start < 0) return null;
  const line = text.slice(start + name.length + 1, start + name.length + 1 + 1_000).split(/\r?\n(?![ \t])/)[0] ?? '';
  return line.replace(/\s+/g, ' ').trim() || null;
};

/**
 * Reads a delivery-status notification (RFC 3464 `multipart/report;
 * report-type=delivery-status`, or a mailer daemon's plain bounce); `null`
 * when the message is not one.
 */
export function readBounce(parsed: ParsedMail, sender: string): BounceReport | null {
  const contentType = parsed.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const isReport =
    contentType?.value?.toLowerCase() === 'multipart/report' &&
    (contentType.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status';
  const status = parsed.attachments.find((part) =>
    ['message/delivery-status', 'message/global-delivery-status'].includes(part.contentType.toLowerCase()),
  );
  const fromDaemon = /^(mailer-daemon|postmaster)@/i.test(sender);
  if (!isReport && !status && !fromDaemon) return null;
  const returnedParts = parsed.attachments.filter((part) =>
    ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(
      part.contentType.toLowerCase(),
    ),
  );
  // Only the first 64 KB of each part: the headers we look for are at its top.
  const returned = [
    ...returnedParts.map((part) => part.content.subarray(0, 65_536).toString('utf8')),
    parsed.text ?? '',
  ]
    .join('\n')
    .slice(0, 262_144);
  const report = status ? status.content.subarray(0, 65_536).toString('utf8') : (parsed.text ?? '').slice(0, 65_536);
  const recipient = field(report, 'Final-Recipient') ?? field(report, 'Original-Recipient');
  return {
    action: (field(report, 'Action') ?? 'failed').toLowerCase(),
    recipient: recipient ? recipient.replace(/^rfc822;\s*/i, '') : null,
    status: field(report, 'Status'),
    diagnostic: field(report, 'Diagnostic-Code'),
    returned,
  };
}
