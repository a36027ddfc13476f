import { h } from '../dom.js';
import { fill, type Strings } from '../i18n.js';

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
  maxLength?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** What `GET /intake-schema` answers (the parts the form reads). */
export interface IntakeSchema {
  fields: JsonSchema;
  customFields: JsonSchema | null;
  topics: { id: string; label: string }[];
  departments: { id: string; name: string }[] | null;
  /** Priorities the desk lets a public form offer; absent or `null` when it offers none. */
  priorities?: string[] | null;
  honeypotField: string | null;
}

/** One field of the form: `name` keys the draft, `path` is where it goes in the body (and where a 422 names it). */
export interface FieldDef {
  name: string;
  path: string;
  label: string;
  kind: 'text' | 'email' | 'textarea' | 'select' | 'number' | 'checkbox';
  required: boolean;
  max?: number | undefined;
  min?: number | undefined;
  options?: [string, string][];
}

/** The draft's values, by field name. */
export type Values = Record<string, string | boolean>;

/** `urgentCall` / `urgent_call` → "Urgent call": a label for a custom field whose schema gives none. */
const human = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`)
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

/** The form's fields from the intake schema: requester, topic, department, priority, subject, message, then custom fields. */
export function fieldDefs(
  schema: IntakeSchema,
  s: Strings,
  preset: { topic?: string | null; department?: string | null },
) {
  const props = schema.fields.properties ?? {};
  const who = props.requester?.properties ?? {};
  const defs: FieldDef[] = [
    { name: 'name', path: 'requester.name', label: s.name, kind: 'text', required: false, max: who.name?.maxLength },
    {
      name: 'email',
      path: 'requester.email',
      label: s.email,
      kind: 'email',
      required: true,
      max: who.email?.maxLength,
    },
  ];
  if (schema.topics.length && !preset.topic) {
    const options = schema.topics.map((t) => [t.id, t.label] as [string, string]);
    defs.push({ name: 'topic', path: 'topic', label: s.topic, kind: 'select', required: false, options });
  }
  if (schema.departments?.length && !preset.department) {
    const options = schema.departments.map((d) => [d.id, d.name] as [string, string]);
    defs.push({
      name: 'departmentId',
      path: 'departmentId',
      label: s.department,
      kind: 'select',
      required: false,
      options,
    });
  }
  if (schema.priorities?.length) {
    const options = schema.priorities.map((p) => [p, (s as Record<string, string>)[p] ?? p] as [string, string]);
    defs.push({ name: 'priority', path: 'priority', label: s.priority, kind: 'select', required: false, options });
  }
  defs.push(
    { name: 'subject', path: 'subject', label: s.subject, kind: 'text', required: true, max: props.subject?.maxLength },
    { name: 'body', path: 'body', label: s.body, kind: 'textarea', required: true, max: props.body?.maxLength },
  );
  const custom = schema.customFields;
  for (const [key, field] of Object.entries(custom?.properties ?? {})) {
    const kind = field.enum
      ? 'select'
      : field.type === 'boolean'
        ? 'checkbox'
        : field.type === 'number' || field.type === 'integer'
          ? 'number'
          : (field.maxLength ?? 0) > 300
            ? 'textarea'
            : 'text';
    defs.push({
      name: `f.${key}`,
      path: `fields.${key}`,
      label: field.title ?? field.description ?? human(key),
      kind,
      required: custom?.required?.includes(key) ?? false,
      max: field.maxLength,
      min: field.minLength,
      ...(field.enum ? { options: field.enum.map((v) => [String(v), String(v)] as [string, string]) } : {}),
    });
  }
  return defs;
}

/** The message for a value that breaks its field's rules, or `''`. */
export function check(def: FieldDef, value: string | boolean | undefined, s: Strings): string {
  if (def.kind === 'checkbox') return def.required && value !== true ? s.required : '';
  const text = String(value ?? '').trim();
  if (!text) return def.required ? s.required : '';
  if (def.max !== undefined && text.length > def.max) return fill(s.tooLong, def.max);
  if (def.min !== undefined && text.length < def.min) return fill(s.tooShort, def.min);
  if (def.kind === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return s.badEmail;
  if (def.kind === 'number' && !Number.isFinite(Number(text))) return s.badNumber;
  return '';
}

/** The `POST /tickets` body of a draft. */
export function intakeBody(defs: FieldDef[], values: Values, extra: Record<string, string>) {
  const body: Record<string, unknown> = { requester: {}, fields: {}, source: 'web', ...extra };
  for (const def of defs) {
    const raw = values[def.name];
    if (raw === undefined || raw === '') continue;
    const value = def.kind === 'number' ? Number(raw) : typeof raw === 'string' ? raw.trim() : raw;
    const [head, tail] = def.path.split('.') as [string, string?];
    if (tail) (body[head] as Record<string, unknown>)[tail] = value;
    else body[head] = value;
  }
  return body;
}

/** Builds one labelled control with its error line and, where the schema has a limit, a counter. */
export function control(def: FieldDef, value: string | boolean | undefined, s: Strings, onChange: () => void) {
  const id = `tk-${def.name}`;
  // A counter where the limit is one a customer could reach (a subject, a short custom field); not on name or email.
  const counted = def.max !== undefined && def.max <= 5000 && def.kind !== 'email' && def.name !== 'name';
  const describedBy = `${id}-e${counted ? ` ${id}-c` : ''}`;
  const common = {
    id,
    name: def.name,
    'aria-describedby': describedBy,
    required: def.required,
    'aria-required': def.required ? 'true' : null,
  };
  const counter = counted ? h('p', { class: 'count', id: `${id}-c` }) : null;
  const count = () => {
    // Isolated left to right, so "12 / 255" does not read "255 / 12" in Arabic.
    if (counter) counter.textContent = `\u2066${String(input.value ?? '').length} / ${def.max}\u2069`;
  };
  const input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement =
    def.kind === 'textarea'
      ? h('textarea', { ...common, value: value ?? '', rows: 5 })
      : def.kind === 'select'
        ? h(
            'select',
            common,
            h('option', { value: '', text: s.choose }),
            ...(def.options ?? []).map(([v, label]) => h('option', { value: v, text: label, selected: v === value })),
          )
        : h('input', {
            ...common,
            type: def.kind,
            value: def.kind === 'checkbox' ? null : (value ?? ''),
            checked: def.kind === 'checkbox' && value === true,
            autocomplete: def.name === 'email' ? 'email' : def.name === 'name' ? 'name' : null,
          });
  input.addEventListener('input', () => {
    count();
    onChange();
  });
  count();
  const label = h(
    'label',
    { for: id },
    def.label,
    !def.required && def.kind !== 'checkbox' ? h('small', { text: ` (${s.optional})` }) : null,
  );
  const error = h('p', { class: 'err', id: `${id}-e`, hidden: true });
  return def.kind === 'checkbox'
    ? h('div', { part: 'field' }, h('label', { for: id }, input, def.label), error)
    : h('div', { part: 'field' }, label, input, error, counter);
}

/** Shows (or clears) a field's error. */
export function markField(root: ParentNode, name: string, message: string): void {
  const input = root.querySelector<HTMLInputElement>(`[name="${name}"]`);
  const error = root.querySelector<HTMLElement>(`#tk-${CSS.escape(name)}-e`);
  if (!input || !error) return;
  input.setAttribute('aria-invalid', String(Boolean(message)));
  error.textContent = message;
  error.hidden = !message;
}

/** The value a control holds. */
export const controlValue = (el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement) =>
  el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value;
