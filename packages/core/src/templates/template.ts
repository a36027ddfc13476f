import { validationError } from '../errors/ticketkit-error.js';

/** A parsed template: literal text and {{variable}} references. */
export interface Template {
  /** The text the template was parsed from, kept for storage and error messages. */
  source: string;
  /** Literal text (escapes already resolved) and variable references, in order. */
  parts: readonly (string | { variable: string })[];
  /** Every variable the template references, each once, in order of first use. */
  variables: readonly string[];
}

/** The variables ticketkit offers to canned responses and notification templates, for messages and docs. */
export const TEMPLATE_VARIABLES: readonly string[] = Object.freeze([
  'ticket.number',
  'ticket.subject',
  'ticket.priority',
  'ticket.status',
  'requester.name',
  'requester.email',
  'agent.name',
  'department.name',
  'link',
]);

// Same rule as custom field names in `schemas/commands.ts`, so `fields.<name>` can name any field a ticket may carry.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Segments that lead into the prototype chain; lookups through them always resolve to undefined.
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// Long enough to recognise the mistake, short enough that a 100 kB template cannot flood a log line.
const QUOTE_LIMIT = 60;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Parses `{{ path.to.value }}` references (whitespace inside braces allowed; `\{{` is a literal `{{`).
 * Throws VALIDATION_FAILED with the given field path and the offending text when the syntax is broken
 * (unclosed `{{`, empty `{{ }}`, a name that is not a dotted identifier like `ticket.number`, `fields.order_id`).
 *
 * @example
 * ```ts
 * const subject = parseTemplate('[{{ ticket.number }}] {{ ticket.subject }}', ['subject']);
 * subject.variables; // ['ticket.number', 'ticket.subject']
 * ```
 */
export function parseTemplate(source: string, field: readonly (string | number)[] = []): Template {
  if (typeof source !== 'string') {
    throw validationError([{ path: field, message: 'must be a string' }], 'template');
  }
  const parts: (string | { variable: string })[] = [];
  const variables: string[] = [];
  const seen = new Set<string>();
  // Literal pieces gather here until a variable ends them, so an escape never splits the text into two parts.
  let literal = '';
  let position = 0;
  // One forward pass with indexOf and no backtracking regex: each character is looked at a bounded number of
  // times, so parsing stays linear however hostile the input.
  for (;;) {
    const open = source.indexOf('{{', position);
    if (open === -1) {
      literal += source.slice(position);
      break;
    }
    if (open > position && source[open - 1] === '\\') {
      literal += `${source.slice(position, open - 1)}{{`;
      position = open + 2;
      continue;
    }
    const close = source.indexOf('}}', open + 2);
    if (close === -1) {
      throw syntaxError(source, open, field, `${quote(source.slice(open))} is never closed with "}}"`);
    }
    const token = source.slice(open, close + 2);
    const name = source.slice(open + 2, close).trim();
    if (name === '') {
      throw syntaxError(source, open, field, `${quote(token)} names no variable`);
    }
    if (!isDottedName(name)) {
      throw syntaxError(
        source,
        open,
        field,
        `${quote(token)} is not a variable name (use a dotted name such as ticket.number or fields.order_id; write \\{{ for a literal {{)`,
      );
    }
    literal += source.slice(position, open);
    if (literal !== '') parts.push(literal);
    literal = '';
    // Frozen because parsed templates are meant to be cached and shared between renders.
    parts.push(Object.freeze({ variable: name }));
    if (!seen.has(name)) {
      seen.add(name);
      variables.push(name);
    }
    position = close + 2;
  }
  if (literal !== '') parts.push(literal);
  return Object.freeze({ source, parts: Object.freeze(parts), variables: Object.freeze(variables) });
}

/**
 * Checks every variable against a predicate of allowed names; throws VALIDATION_FAILED on `field`
 * listing every unknown variable and the allowed ones.
 *
 * `allowedForMessage` is only used to word the error; without it the message lists the unknown variables alone,
 * since a predicate cannot say what it accepts.
 */
export function checkVariables(
  template: Template,
  isAllowed: (variable: string) => boolean,
  field: readonly (string | number)[] = [],
  allowedForMessage?: readonly string[],
): void {
  const unknown = template.variables.filter((variable) => !isAllowed(variable));
  if (unknown.length === 0) return;
  const listed = unknown.map((variable) => `{{${variable}}}`).join(', ');
  const allowed = allowedForMessage?.length ? `; allowed: ${allowedForMessage.join(', ')}` : '';
  throw validationError(
    [{ path: field, message: `unknown variable${unknown.length === 1 ? '' : 's'} ${listed}${allowed}` }],
    'template',
  );
}

/**
 * Renders with values looked up by dotted path in `context` (plain objects only: never walks into prototypes,
 * never calls functions; `__proto__`, `constructor`, `prototype` segments resolve to undefined).
 * Missing/null/undefined values render as '' ; numbers/booleans as String(); objects/arrays as ''.
 * In `format: 'html'` every substituted value is HTML-escaped (& < > " ' and backtick) while the template's own
 * literal text is left as written; in `format: 'text'` values are inserted as they are.
 */
export function renderTemplate(
  template: Template,
  context: Record<string, unknown>,
  options: { format?: 'text' | 'html' } = {},
): string {
  const format = options.format ?? 'text';
  // Refused rather than treated as text: a misspelt 'HTML' from untyped code would otherwise switch escaping off.
  if (format !== 'text' && format !== 'html') {
    throw validationError([{ path: ['format'], message: 'must be "text" or "html"' }], 'render options');
  }
  let output = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      output += part;
    } else {
      const value = display(lookup(context, part.variable));
      output += format === 'html' ? escapeHtml(value) : value;
    }
  }
  return output;
}

/** Whether a variable is one of TEMPLATE_VARIABLES or `fields.<identifier>` (when `fieldNames` is given, only those field names). */
export function isTemplateVariable(variable: string, fieldNames?: readonly string[]): boolean {
  if (TEMPLATE_VARIABLES.includes(variable)) return true;
  if (!variable.startsWith('fields.')) return false;
  const name = variable.slice('fields.'.length);
  // A field named like a prototype key would always render empty (see lookup), so it is not offered.
  if (!IDENTIFIER.test(name) || FORBIDDEN_SEGMENTS.has(name)) return false;
  return fieldNames === undefined || fieldNames.includes(name);
}

// Splitting first keeps the check linear: a single regex with a repeated `(\.segment)*` group is the shape
// that invites backtracking.
function isDottedName(name: string): boolean {
  return name.split('.').every((segment) => IDENTIFIER.test(segment));
}

function lookup(context: unknown, path: string): unknown {
  let current = context;
  for (const segment of path.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment) || !isPlainObject(current)) return undefined;
    // A descriptor rather than `current[segment]`: own properties only, and a getter is never invoked.
    const descriptor = Object.getOwnPropertyDescriptor(current, segment);
    if (descriptor === undefined || !('value' in descriptor)) return undefined;
    current = descriptor.value;
  }
  return current;
}

// Class instances, arrays, Maps and objects with a custom prototype are not walked into: their properties may be
// computed, inherited or private to the host.
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Objects would print as "[object Object]" and functions as their source: neither belongs in a message.
  return '';
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (character) => HTML_ESCAPES[character] ?? character);
}

function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}

function syntaxError(source: string, index: number, field: readonly (string | number)[], problem: string) {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return validationError([{ path: field, message: `${problem} at line ${line}, column ${column}` }], 'template');
}
