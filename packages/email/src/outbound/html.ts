const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Markup that {@link html} inserts as is: only for HTML you built yourself, never for a value from a ticket. */
export class TrustedHtml {
  /** @param markup - the HTML, inserted unescaped. */
  constructor(readonly markup: string) {}
  /** The markup. */
  toString(): string {
    return this.markup;
  }
}

/**
 * A tagged template for email HTML: every interpolated value is escaped,
 * except {@link TrustedHtml} (what another `html` call returned).
 *
 * @example
 * ```ts
 * const body = html`<p>Hello ${notification.recipient.name}</p>`; // a name with <script> stays text
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): TrustedHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) out += part instanceof TrustedHtml ? part.markup : escapeHtml(part);
    out += strings[index + 1] ?? '';
  });
  return new TrustedHtml(out);
}

// http(s) links, stopping before trailing punctuation; bounded so a hostile body cannot make it backtrack.
const LINK = /\bhttps?:\/\/[^\s<>"']{1,2000}[^\s<>"'.,;:!?)\]]/g;

/** Plain text as HTML paragraphs: escaped, line breaks kept, http(s) links clickable. */
export function textToHtml(text: string): TrustedHtml {
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
    let out = '';
    let last = 0;
    for (const match of paragraph.matchAll(LINK)) {
      out += escapeHtml(paragraph.slice(last, match.index));
      out += `<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>`;
      last = (match.index ?? 0) + match[0].length;
    }
    out += escapeHtml(paragraph.slice(last));
    return `<p>${out.replace(/\n/g, '<br>\n')}</p>`;
  });
  return new TrustedHtml(paragraphs.join('\n'));
}
