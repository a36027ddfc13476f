/** Why a message is automatic, when it is: the header (or sender) that says so. */
export type AutomaticKind = 'auto-reply' | 'auto-generated' | 'bulk' | 'list' | 'mailer-daemon';

/** The headers of a message, lower-case names, as mailparser gives them (values already decoded). */
export type HeaderLookup = (name: string) => string | undefined;

const MAILER_DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|noreply-dmarc-support)@/i;
// Out-of-office subjects clients write when they forget the headers (Zammad's filter checks the same).
const OUT_OF_OFFICE = [
  'out of office',
  'out of the office',
  'automatic reply',
  'auto reply',
  'autoreply',
  'abwesenheitsnotiz',
  'automatische antwort',
  'réponse automatique',
  'absence du bureau',
  'respuesta automática',
  'fuori ufficio',
];

/**
 * Whether a message was written by a machine rather than a person (RFC 3834
 * `Auto-Submitted`, `Precedence`, the vendors' `X-Autoreply`,
 * `X-Autorespond`, Exchange's `X-MS-Exchange-Generated-Message-Source` /
 * auto-reply subjects, mailer daemons), and which kind; `null` for a person.
 * Modelled on Zammad's auto-response and out-of-office filters.
 */
export function automaticKind(header: HeaderLookup, sender: string, subject: string): AutomaticKind | null {
  if (MAILER_DAEMON.test(sender)) return 'mailer-daemon';
  const autoSubmitted = (header('auto-submitted') ?? '').trim().toLowerCase();
  if (autoSubmitted.startsWith('auto-replied')) return 'auto-reply';
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined) return 'auto-reply';
  if (header('x-autoresponder') !== undefined || header('x-auto-reply') !== undefined) return 'auto-reply';
  const lowerSubject = subject.slice(0, 200).toLowerCase();
  if (OUT_OF_OFFICE.some((marker) => lowerSubject.startsWith(marker) || lowerSubject.includes(`: ${marker}`))) {
    return 'auto-reply';
  }
  const precedence = (header('precedence') ?? header('x-precedence') ?? '').trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'junk') return 'bulk';
  if (precedence === 'list') return 'list';
  if (header('list-id') !== undefined && header('list-unsubscribe') !== undefined) return 'list';
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return 'auto-generated';
  if (header('x-loop') !== undefined) return 'auto-generated';
  return null;
}
