import { type ValidationIssue, validationError } from '../errors/ticketkit-error.js';

/**
 * The variables every canned response and notification template may use, besides custom fields
 * written `fields.<id>`.
 */
export const TEMPLATE_VARIABLES = [
  'ticket.number',
  'ticket.subject',
  'ticket.priority',
  'ticket.status',
  'requester.name',
  'requester.email',
  'agent.name',
  'department.name',
  'link',
] as const;

/** One of the built-in {@link TEMPLATE_VARIABLES}. */
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** A piece of a parsed template: literal text, or a variable with its optional fallback. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'variable';
      /** The variable's name, e.g. `ticket.number` or `fields.plan`. */
      readonly name: string;
      /** Rendered when the value is missing, null or empty; `null` when the template gives none. */
      readonly fallback: string | null;
      /** Character offset (UTF-16) of the opening `{{` in the source, for messages. */
      readonly index: number;
    };

/** A template split into text and variables, ready to check and render many times. */
export interface ParsedTemplate {
  /** The text the template was parsed from. */
  readonly source: string;
  /** Literal text (escapes resolved, adjacent text merged) and variables, in order. */
  readonly parts: readonly TemplatePart[];
  /** Every variable the template uses, each once, in order of first use. */
  readonly variables: readonly string[];
}

/** Values to render, keyed by variable name (`'ticket.number'`, `'fields.plan'`). */
export type TemplateValues = Partial<Record<string, string | number | boolean | null | undefined>>;

/** Options of {@link checkVariables}. */
export interface CheckVariablesOptions {
  /** Custom field ids `fields.<id>` may name; `null` or absent allows any syntactically valid id. */
  customFieldIds?: readonly string[] | null;
  /** Variables allowed besides {@link TEMPLATE_VARIABLES} (notification templates also quote the message). */
  extraVariables?: readonly string[];
  /** Path of the template in the input it came from, e.g. `['body']`, used for every issue. */
  path?: readonly (string | number)[];
}

/** Options of {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /** `'html'` escapes values and fallbacks (not the template's own text); `'text'` (default) inserts them as is. */
  format?: 'text' | 'html';
  /**
   * Leaves out a line that holds nothing but a variable rendering empty, with one blank line around it, so
   * that an optional part (`{{message}}` on a resolve without a reply) leaves no gap. Default `false`.
   */
  dropEmptyLines?: boolean;
}

// Same length limit as custom field names in `schemas/commands.ts`. A leading letter (not `_`) is this module's rule.
const CUSTOM_FIELD_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const FIELDS_PREFIX = 'fields.';
// The parser accepts any dotted identifier; whether the name exists is checkVariables' job, so that a typo gets a
// "did you mean" instead of a syntax error.
const NAME_CHARACTER = /[A-Za-z0-9_.]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const WHITESPACE = /[ \t\r\n]/;
const ESCAPED_OPEN = '\\{{';
// Cc characters except \t (09) and \n (0A): NUL, bell, escape sequences, \r, DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const HTML_SPECIAL = /[&<>"']/g;
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const MAX_SUGGESTION_DISTANCE = 2;
// Names are quoted into messages; a 100 kB name must not become a 100 kB log line.
const QUOTE_LIMIT = 80;

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

/**
 * Whether `name` is a built-in variable or `fields.<id>` with a valid id that, when `customFieldIds` is given,
 * is in that list.
 */
export function isTemplateVariable(name: string, customFieldIds?: readonly string[] | null): boolean {
  if (KNOWN.has(name)) return true;
  if (!name.startsWith(FIELDS_PREFIX)) return false;
  const id = name.slice(FIELDS_PREFIX.length);
  return CUSTOM_FIELD_ID.test(id) && (customFieldIds == null || customFieldIds.includes(id));
}

/**
 * Splits a template into text and variables; throws `VALIDATION_FAILED` naming the character offset when the
 * syntax is broken.
 *
 * Syntax, deliberately nothing more (no expressions, loops, helpers or markup: templates are text, so a template
 * cannot run anything):
 * - `{{ name }}` — a dotted name such as `ticket.number` or `fields.plan`; spaces inside the braces are allowed.
 * - `{{ name | "fallback" }}` — text used when the value is missing or empty; `\"` and `\\` are its only escapes.
 * - `\{{` — a literal `{{`. A backslash anywhere else is an ordinary character, and `}}` outside a variable is
 *   ordinary text. (So a backslash cannot directly precede a variable.)
 *
 * `options.path` is the path put on the issue, e.g. `['body']`.
 *
 * @example
 * ```ts
 * const t = parseTemplate('Hi {{ requester.name | "there" }}, ticket {{ticket.number}} is open.');
 * t.variables; // ['requester.name', 'ticket.number']
 * ```
 */
export function parseTemplate(source: string, options: { path?: readonly (string | number)[] } = {}): ParsedTemplate {
  const path = options.path ?? [];
  if (typeof source !== 'string') throw validationError([{ path, message: 'must be a string' }], 'template');
  const parts: TemplatePart[] = [];
  const variables: string[] = [];
  const seen = new Set<string>();
  let text = '';
  let position = 0;
  // One forward pass, no backtracking regex over the source: parsing stays linear however hostile the input.
  for (;;) {
    const open = source.indexOf('{{', position);
    if (open === -1) break;
    if (open > position && source.startsWith(ESCAPED_OPEN, open - 1)) {
      text += `${source.slice(position, open - 1)}{{`;
      position = open + 2;
      continue;
    }
    text += source.slice(position, open);
    if (text !== '') parts.push(Object.freeze({ kind: 'text', text }));
    text = '';
    const variable = readVariable(source, open, path);
    parts.push(Object.freeze({ kind: 'variable', name: variable.name, fallback: variable.fallback, index: open }));
    if (!seen.has(variable.name)) {
      seen.add(variable.name);
      variables.push(variable.name);
    }
    position = variable.end;
  }
  text += source.slice(position);
  if (text !== '') parts.push(Object.freeze({ kind: 'text', text }));
  // Frozen: a parsed template is meant to be cached and shared between renders.
  return Object.freeze({ source, parts: Object.freeze(parts), variables: Object.freeze(variables) });
}

/**
 * Throws `VALIDATION_FAILED` with one issue per unknown variable (see {@link isTemplateVariable}), suggesting the
 * nearest known name when one is close.
 */
export function checkVariables(template: ParsedTemplate, options: CheckVariablesOptions = {}): void {
  const path = options.path ?? [];
  const customFieldIds = options.customFieldIds ?? null;
  const extra = options.extraVariables ?? [];
  const issues: ValidationIssue[] = [];
  for (const name of template.variables) {
    if (isTemplateVariable(name, customFieldIds) || extra.includes(name)) continue;
    issues.push({ path, message: unknownVariableMessage(name, customFieldIds, extra) });
  }
  if (issues.length > 0) throw validationError(issues, 'template');
}

/**
 * Renders a template, replacing each variable by its value, else its fallback, else nothing.
 *
 * Values that are `null`, `undefined` or empty (after control characters are removed) count as missing; numbers
 * and booleans go through `String`. Control characters other than `\n` and `\t` are removed from values and
 * fallbacks in both formats. Values are never parsed as templates, so a value `{{agent.name}}` comes out as
 * written. A string template is parsed first (and may throw); variables are not checked here — an unknown one
 * renders like a missing value, so call {@link checkVariables} when the template is saved.
 *
 * With `format: 'html'` values and fallbacks are escaped (`& < > " '`) and the template's own text is left as
 * written: the template author writes trusted markup, while values (subjects, names) come from customers. That
 * escaping is safe in element text and in quoted attributes; it does not make a value safe as a URL
 * (`href="{{fields.site}}"` may still receive `javascript:…`) or inside `<script>`/`<style>`.
 */
export function renderTemplate(
  template: ParsedTemplate | string,
  values: TemplateValues,
  options: RenderTemplateOptions = {},
): string {
  const format = options.format ?? 'text';
  // Refused rather than treated as text: a misspelt 'HTML' from untyped code would otherwise turn escaping off.
  if (format !== 'text' && format !== 'html') {
    throw validationError([{ path: ['format'], message: 'must be "text" or "html"' }], 'render options');
  }
  const parsed = typeof template === 'string' ? parseTemplate(template) : template;
  let output = '';
  // Set when an empty variable stood alone on its line: the next text drops that line's end.
  let dropLineEnd = false;
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      let text = part.text;
      if (dropLineEnd && text.startsWith('\n')) {
        text = text.slice(1);
        // A blank line before and after the dropped one: keep one of them.
        if ((output === '' || output.endsWith('\n\n')) && text.startsWith('\n')) text = text.slice(1);
      }
      dropLineEnd = false;
      output += text;
      continue;
    }
    const value = display(lookup(values, part.name));
    const chosen = value !== '' ? value : part.fallback === null ? '' : clean(part.fallback);
    if (chosen === '' && options.dropEmptyLines && (output === '' || output.endsWith('\n'))) {
      dropLineEnd = true;
      continue;
    }
    dropLineEnd = false;
    output += format === 'html' ? escapeHtml(chosen) : chosen;
  }
  // An empty last line: the blank line before it goes too.
  return dropLineEnd ? output.replace(/\n+$/, '') : output;
}

interface ReadVariable {
  name: string;
  fallback: string | null;
  /** Offset just past the closing `}}`. */
  end: number;
}

// Reads `{{ name | "fallback" }}` starting at the `{{` at `open`.
function readVariable(source: string, open: number, path: readonly (string | number)[]): ReadVariable {
  const fail = (offset: number, problem: string) => syntaxError(source, offset, path, problem);
  const unclosed = () => fail(open, '"{{" is never closed with "}}"');
  let i = skipWhitespace(source, open + 2);
  const nameStart = i;
  while (i < source.length && NAME_CHARACTER.test(source.charAt(i))) i++;
  const nameEnd = i;
  const name = source.slice(nameStart, nameEnd);
  i = skipWhitespace(source, i);
  if (i >= source.length) throw unclosed();
  if (name === '') {
    if (source.startsWith('}}', i) || source.charAt(i) === '|') throw fail(open, 'empty variable name in "{{ }}"');
    throw fail(i, `unexpected character ${describe(source, i)} in a variable name (write \\{{ for a literal {{)`);
  }
  if (!NAME.test(name)) {
    throw fail(nameStart, `invalid variable name ${quote(name)} (use a dotted name such as ticket.number)`);
  }
  let fallback: string | null = null;
  if (source.charAt(i) === '|') {
    i = skipWhitespace(source, i + 1);
    if (i >= source.length) throw unclosed();
    if (source.charAt(i) !== '"')
      throw fail(i, `expected a double-quoted fallback after "|", found ${describe(source, i)}`);
    const read = readString(source, i, path);
    fallback = read.value;
    i = skipWhitespace(source, read.end);
    if (i >= source.length) throw unclosed();
  }
  if (!source.startsWith('}}', i)) {
    const found = `unexpected character ${describe(source, i)}`;
    if (fallback !== null) throw fail(i, `${found} after the fallback (expected "}}")`);
    if (i === nameEnd) throw fail(i, `${found} in a variable name (write \\{{ for a literal {{)`);
    throw fail(i, `${found} after the variable name (expected "}}" or a "|" fallback)`);
  }
  return { name, fallback, end: i + 2 };
}

// Reads a double-quoted string starting at the quote at `start`; `\"` and `\\` are the only escapes.
function readString(source: string, start: number, path: readonly (string | number)[]): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const character = source.charAt(i);
    if (character === '"') return { value, end: i + 1 };
    if (character === '\\') {
      const next = source.charAt(i + 1);
      if (next !== '"' && next !== '\\') {
        const shown = i + 1 < source.length ? `"\\${next}"` : 'a lone "\\"';
        throw syntaxError(source, i, path, `unknown escape ${shown} in a fallback (only \\" and \\\\)`);
      }
      value += next;
      i += 2;
      continue;
    }
    value += character;
    i++;
  }
  throw syntaxError(source, start, path, 'unterminated fallback string');
}

function skipWhitespace(source: string, from: number): number {
  let i = from;
  while (i < source.length && WHITESPACE.test(source.charAt(i))) i++;
  return i;
}

function syntaxError(source: string, offset: number, path: readonly (string | number)[], problem: string) {
  // Line and column as well as the offset: notification templates are multi-line, and editors count in lines.
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return validationError(
    [{ path, message: `${problem} at offset ${offset} (line ${line}, column ${column})` }],
    'template',
  );
}

function unknownVariableMessage(
  name: string,
  customFieldIds: readonly string[] | null,
  extra: readonly string[] = [],
): string {
  const shown = `{{${shorten(name)}}}`;
  if (name.startsWith(FIELDS_PREFIX) && !CUSTOM_FIELD_ID.test(name.slice(FIELDS_PREFIX.length))) {
    return `unknown variable ${shown}: a custom field id starts with a letter and has at most 64 letters, digits or _`;
  }
  const candidates: string[] = [...TEMPLATE_VARIABLES, ...extra];
  for (const id of customFieldIds ?? []) if (CUSTOM_FIELD_ID.test(id)) candidates.push(`${FIELDS_PREFIX}${id}`);
  const suggestion = nearest(name, candidates);
  return suggestion === undefined
    ? `unknown variable ${shown}`
    : `unknown variable ${shown} — did you mean {{${suggestion}}}?`;
}

// The candidate with the smallest edit distance, at most MAX_SUGGESTION_DISTANCE; the first listed wins a tie.
function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const candidate of candidates) {
    // Length alone rules most candidates out and keeps the quadratic distance off long names.
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Levenshtein distance (insert, delete, substitute), two rows.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function lookup(values: TemplateValues, name: string): unknown {
  // Own properties only: `{{constructor}}` must not find Object.prototype.constructor.
  return values != null && Object.hasOwn(values, name) ? values[name] : undefined;
}

function display(value: unknown): string {
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Anything else from untyped callers (objects, functions) would print as "[object Object]" or source code.
  return '';
}

function clean(value: string): string {
  return value.replace(CONTROL_CHARACTERS, '');
}

function escapeHtml(value: string): string {
  return value.replace(HTML_SPECIAL, (character) => HTML_ESCAPES[character] ?? character);
}

function describe(source: string, offset: number): string {
  return JSON.stringify(source.charAt(offset));
}

function shorten(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}

function quote(text: string): string {
  return JSON.stringify(shorten(text));
}
