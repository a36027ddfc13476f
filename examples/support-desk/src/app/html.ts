/** Escapes text for HTML: what a ticket or an email says is shown as text, never as markup. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/** An HTML fragment already escaped: the only thing `html` puts in unescaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A template tag that escapes every value except {@link SafeHtml} (and joins arrays). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const part = (value: unknown): string =>
    value instanceof SafeHtml
      ? value.value
      : Array.isArray(value)
        ? value.map(part).join('')
        : value === undefined || value === null || value === false
          ? ''
          : escapeHtml(String(value));
  return new SafeHtml(
    strings.reduce((out, string, index) => out + string + (index < values.length ? part(values[index]) : ''), ''),
  );
}
