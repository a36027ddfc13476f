/**
 * Quoted-reply stripping, written for bounded time: one pass over the lines,
 * and every test on a line is `startsWith`/`endsWith`/`includes` on at most
 * the first {@link HEADER_LINE_MAX} characters — no regular expression that
 * can backtrack, so a hostile message costs time linear in its size.
 */

// A quote header ("On Mon, 2 Mar 2026, Ken <ken@example.com> wrote:") is short; longer lines are text.
const HEADER_LINE_MAX = 400;

// "On … wrote:" in the languages mail clients write it in: [start, marker the line ends with].
const WROTE: readonly (readonly [string, string])[] = [
  ['On ', 'wrote:'],
  ['Am ', 'schrieb:'],
  ['Le ', 'a écrit :'],
  ['Le ', 'a écrit:'],
  ['El ', 'escribió:'],
  ['Op ', 'geschreven:'],
  ['Op ', 'schreef:'],
  ['Il ', 'ha scritto:'],
  ['Em ', 'escreveu:'],
  ['Den ', 'skrev:'],
  ['W dniu ', 'napisał:'],
  ['On ', 'kirjoitti:'],
];
// Lines that end with one of these after a name: "Am 02.03.2026 um 10:00 schrieb Ken <ken@example.com>:".
const WROTE_INSIDE: readonly (readonly [string, string])[] = [
  ['Am ', ' schrieb '],
  ['Op ', ' schreef '],
  ['Den ', ' skrev '],
  ['Le ', ' a écrit'],
];
// Outlook's separators, and the header block it puts above the quoted message.
const SEPARATORS = [
  '-----Original Message-----',
  '----- Original Message -----',
  '-----Ursprüngliche Nachricht-----',
  "-----Message d'origine-----",
  '-----Mensaje original-----',
  '-----Messaggio originale-----',
  '-----Oorspronkelijk bericht-----',
  '-------- Original Message --------',
  '-------- Forwarded Message --------',
  '---------- Forwarded message ---------',
  '-------- Ursprüngliche Nachricht --------',
];
const FROM_HEADERS = ['From:', 'Von:', 'De :', 'De:', 'Da:', 'Van:', 'Från:', 'Od:', '*From:*'];
const NEXT_HEADERS = [
  'Sent:',
  'Date:',
  'To:',
  'Subject:',
  'Gesendet:',
  'An:',
  'Betreff:',
  'Envoyé :',
  'Envoyé:',
  'À :',
  'Objet :',
  'Enviado:',
  'Para:',
  'Asunto:',
  'Inviato:',
  'Oggetto:',
  'Verzonden:',
  'Aan:',
  'Onderwerp:',
  '*Sent:*',
  '*Date:*',
];
// "Sent from my phone" lines: everything from them on is client boilerplate.
const SENT_FROM = [
  'sent from my ',
  'sent from mail for windows',
  'sent from outlook',
  'sent from yahoo mail',
  'get outlook for ',
  'von meinem iphone gesendet',
  'von meinem ipad gesendet',
  'gesendet von meinem',
  'envoyé de mon ',
  'enviado desde mi ',
  'enviado do meu ',
  'inviato da ',
  'verzonden vanaf mijn ',
  'skickat från min ',
];

const isQuote = (line: string) => line.trimStart().startsWith('>');
const startsAny = (line: string, list: readonly string[]) => list.some((item) => line.startsWith(item));

function isWroteLine(line: string): boolean {
  if (line.length > HEADER_LINE_MAX) return false;
  for (const [start, end] of WROTE) if (line.startsWith(start) && line.endsWith(end)) return true;
  for (const [start, inside] of WROTE_INSIDE) {
    if (line.startsWith(start) && line.endsWith(':') && line.includes(inside)) return true;
  }
  return false;
}

function isHeaderBlock(lines: readonly string[], index: number): boolean {
  const line = lines[index] ?? '';
  if (line.length > HEADER_LINE_MAX || !startsAny(line, FROM_HEADERS)) return false;
  // Outlook's block: "From:" and, within the next lines, "Sent:"/"Date:"/"To:"/"Subject:".
  for (let next = index + 1; next < Math.min(lines.length, index + 5); next++) {
    if (startsAny((lines[next] ?? '').trim(), NEXT_HEADERS)) return true;
  }
  return false;
}

// The first characters any marker above can start with: most lines start with none and cost one lookup.
const MARKER_START = new Set([
  'O',
  'A',
  'L',
  'E',
  'I',
  'D',
  'W',
  'F',
  'V',
  'S',
  'G',
  'R',
  'P',
  'T',
  'Å',
  '*',
  '-',
  '_',
  's',
  'g',
  'v',
  'e',
  'i',
]);

/** Where the quoted part starts: the index of the first line that begins it, or the number of lines. */
function quoteStart(lines: readonly string[]): number {
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    if (raw.length > HEADER_LINE_MAX) continue;
    const line = raw.trim();
    if (line === '' || !MARKER_START.has(line[0] as string)) continue;
    if (raw === '-- ' || raw === '--') return index;
    if (isWroteLine(line)) return index;
    // Gmail wraps a long "On …" line: "On Mon, 2 Mar 2026 at 10:00, Ken <ken@\nexample.com> wrote:".
    if (line.startsWith('On ') && (lines[index + 1] ?? '').trim().endsWith('wrote:')) return index;
    if (line.startsWith('-')) {
      if (SEPARATORS.includes(line)) return index;
      continue;
    }
    if (line.startsWith('_')) {
      if (/^_{10,}$/.test(line) && isHeaderBlock(lines, index + 1)) return index;
      continue;
    }
    if (isHeaderBlock(lines, index)) return index;
    if (line.length < 80 && startsAny(line.toLowerCase(), SENT_FROM)) return index;
  }
  return lines.length;
}

const tidy = (lines: readonly string[]) =>
  lines
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** What {@link stripQuotedReply} found. */
export interface StrippedReply {
  /** The new text the sender wrote. */
  text: string;
  /** Whether anything was cut (a quote, a quote header, a signature, client boilerplate). */
  stripped: boolean;
}

/**
 * The part of a reply its sender wrote: cuts at the quote header of Gmail,
 * Apple Mail, Thunderbird ("On … wrote:", in several languages), Outlook's
 * "-----Original Message-----" or "From:/Sent:" block, the `-- ` signature
 * delimiter and "Sent from my phone" lines, and drops `>` quoted lines (an
 * answer written between quotes stays). Falls back to the whole text when
 * nothing would remain. Time is linear in the length of the text.
 */
export function stripQuotedReply(text: string): StrippedReply {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = quoteStart(lines);
  const kept: string[] = [];
  for (let index = 0; index < cut; index++) {
    const line = lines[index] ?? '';
    if (!isQuote(line)) kept.push(line);
  }
  let result = tidy(kept);
  // Bottom-posted: nothing above the quote header, the answer is below the quote. Keep the unquoted lines.
  if (result === '') result = tidy(lines.filter((line) => !isQuote(line) && !isWroteLine(line.trim())));
  if (result === '') return { text: text.trim(), stripped: false };
  return { text: result, stripped: result !== text.trim() };
}
