import { expect, test } from 'vitest';
import { en } from '../src/i18n.js';
import { check, type FieldDef, fieldDefs, type IntakeSchema, intakeBody } from '../src/views/form.js';

const schema: IntakeSchema = {
  fields: {
    properties: {
      requester: { properties: { email: { maxLength: 254 }, name: { maxLength: 200 } } },
      subject: { maxLength: 255 },
      body: { maxLength: 100_000 },
    },
  },
  customFields: {
    properties: {
      orderId: { type: 'string', maxLength: 20, description: 'Order number' },
      plan: { type: 'string', enum: ['Free', 'Pro'] },
      seats: { type: 'integer' },
      urgentCall: { type: 'boolean' },
    },
    required: ['plan'],
  },
  topics: [{ id: 'bug', label: 'Bug' }],
  departments: [{ id: 'help', name: 'Help Desk' }],
  honeypotField: 'website',
};

test('the form follows the intake schema: topics, public departments, custom fields with their kinds and labels', () => {
  const defs = fieldDefs(schema, en, {});
  expect(defs.map((d) => [d.name, d.kind, d.required])).toEqual([
    ['name', 'text', false],
    ['email', 'email', true],
    ['topic', 'select', false],
    ['departmentId', 'select', false],
    ['subject', 'text', true],
    ['body', 'textarea', true],
    ['f.orderId', 'text', false],
    ['f.plan', 'select', true],
    ['f.seats', 'number', false],
    ['f.urgentCall', 'checkbox', false],
  ]);
  expect(defs.find((d) => d.name === 'f.orderId')?.label).toBe('Order number');
  expect(defs.find((d) => d.name === 'f.urgentCall')?.label).toBe('Urgent call');
  // A preset topic or department hides its picker.
  expect(fieldDefs(schema, en, { topic: 'bug', department: 'help' }).map((d) => d.name)).not.toContain('topic');
});

test('client-side checks: required, limits, email shape, numbers', () => {
  const field = (over: Partial<FieldDef>): FieldDef => ({
    name: 'x',
    path: 'x',
    label: 'X',
    kind: 'text',
    required: false,
    ...over,
  });
  expect(check(field({ required: true }), '   ', en)).toBe(en.required);
  expect(check(field({ max: 3 }), 'abcd', en)).toBe('Use at most 3 characters.');
  expect(check(field({ kind: 'email' }), 'ken@example', en)).toBe(en.badEmail);
  expect(check(field({ kind: 'email' }), 'ken@example.com', en)).toBe('');
  expect(check(field({ kind: 'number' }), 'ten', en)).toBe(en.badNumber);
  expect(check(field({ kind: 'checkbox', required: true }), false, en)).toBe(en.required);
});

test('the body puts each value at its path, trimmed, with numbers as numbers and empty values left out', () => {
  const defs = fieldDefs(schema, en, {});
  const body = intakeBody(
    defs,
    {
      email: ' ken@example.com ',
      name: '',
      subject: 'Hi',
      body: 'Text',
      'f.plan': 'Pro',
      'f.seats': '12',
      'f.urgentCall': true,
    },
    { website: '' },
  );
  expect(body).toEqual({
    requester: { email: 'ken@example.com' },
    subject: 'Hi',
    body: 'Text',
    source: 'web',
    website: '',
    fields: { plan: 'Pro', seats: 12, urgentCall: true },
  });
});

test('a priority select only where the desk allows it, with the locale’s labels; its value goes in the body', () => {
  expect(fieldDefs(schema, en, {}).some((d) => d.name === 'priority')).toBe(false);
  expect(fieldDefs({ ...schema, priorities: null }, en, {}).some((d) => d.name === 'priority')).toBe(false);
  const defs = fieldDefs({ ...schema, priorities: ['low', 'normal', 'high', 'urgent'] }, en, {});
  const priority = defs.find((d) => d.name === 'priority');
  expect(priority).toMatchObject({ label: 'Priority', kind: 'select', required: false });
  expect(priority?.options).toEqual([
    ['low', 'Low'],
    ['normal', 'Normal'],
    ['high', 'High'],
    ['urgent', 'Urgent'],
  ]);
  expect(intakeBody(defs, { email: 'a@b.co', priority: 'high' }, {})).toMatchObject({ priority: 'high' });
});
