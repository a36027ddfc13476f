import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isTicketkitError, type TicketkitError } from '../errors/ticketkit-error.js';
import {
  checkVariables,
  isTemplateVariable,
  type ParsedTemplate,
  parseTemplate,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type TemplateValues,
} from './index.js';

const values: TemplateValues = {
  'ticket.number': 'TK-42',
  'ticket.subject': 'Printer on fire',
  'ticket.priority': 'high',
  'ticket.status': 'open',
  'requester.name': 'Ada',
  'requester.email': 'ada@example.com',
  'agent.name': 'Grace',
  'department.name': 'Facilities',
  link: 'https://desk.example.com/t/42',
  'fields.plan': 'Pro',
};

function thrown(run: () => unknown): TicketkitError {
  try {
    run();
  } catch (error) {
    if (isTicketkitError(error, 'VALIDATION_FAILED')) return error;
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED');
}

function unescapeHtml(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => entities[name] ?? '');
}

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

describe('parseTemplate', () => {
  test('splits the example into text and variables', () => {
    const source =
      'Hi {{requester.name}}, ticket {{ticket.number}} ({{ticket.subject}}) is with {{agent.name}} in {{department.name}}.';
    const parsed = parseTemplate(source);
    expect(parsed.source).toBe(source);
    expect(parsed.variables).toEqual([
      'requester.name',
      'ticket.number',
      'ticket.subject',
      'agent.name',
      'department.name',
    ]);
    expect(parsed.parts.slice(0, 3)).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'variable', name: 'requester.name', fallback: null, index: 3 },
      { kind: 'text', text: ', ticket ' },
    ]);
  });

  test.each<[string, ParsedTemplate['parts']]>([
    ['', []],
    ['plain text', [{ kind: 'text', text: 'plain text' }]],
    ['{{link}}', [{ kind: 'variable', name: 'link', fallback: null, index: 0 }]],
    ['{{  ticket.status\t}}', [{ kind: 'variable', name: 'ticket.status', fallback: null, index: 0 }]],
    ['{{\nlink\n}}', [{ kind: 'variable', name: 'link', fallback: null, index: 0 }]],
    [
      'a{{link}}b',
      [
        { kind: 'text', text: 'a' },
        { kind: 'variable', name: 'link', fallback: null, index: 1 },
        { kind: 'text', text: 'b' },
      ],
    ],
    ['{{ requester.name | "there" }}', [{ kind: 'variable', name: 'requester.name', fallback: 'there', index: 0 }]],
    ['{{requester.name|"there"}}', [{ kind: 'variable', name: 'requester.name', fallback: 'there', index: 0 }]],
    ['{{ link | "" }}', [{ kind: 'variable', name: 'link', fallback: '', index: 0 }]],
    ['{{ link | "say \\"hi\\"" }}', [{ kind: 'variable', name: 'link', fallback: 'say "hi"', index: 0 }]],
    ['{{ link | "C:\\\\dir" }}', [{ kind: 'variable', name: 'link', fallback: 'C:\\dir', index: 0 }]],
    ['{{ link | "}} {{x}} |" }}', [{ kind: 'variable', name: 'link', fallback: '}} {{x}} |', index: 0 }]],
    ['{{fields.order_id}}', [{ kind: 'variable', name: 'fields.order_id', fallback: null, index: 0 }]],
    // Names the parser accepts but checkVariables refuses: a typo deserves a suggestion, not a syntax error.
    ['{{ticket.numbr}}', [{ kind: 'variable', name: 'ticket.numbr', fallback: null, index: 0 }]],
    // Escapes and things that are not variables.
    ['\\{{link}}', [{ kind: 'text', text: '{{link}}' }]],
    ['a \\{{ b \\{{', [{ kind: 'text', text: 'a {{ b {{' }]],
    ['\\{{\\{{', [{ kind: 'text', text: '{{{{' }]],
    [
      'x\\{{{{link}}',
      [
        { kind: 'text', text: 'x{{' },
        { kind: 'variable', name: 'link', fallback: null, index: 4 },
      ],
    ],
    ['a \\ b { c } d }}', [{ kind: 'text', text: 'a \\ b { c } d }}' }]],
    [
      '{{link}}}',
      [
        { kind: 'variable', name: 'link', fallback: null, index: 0 },
        { kind: 'text', text: '}' },
      ],
    ],
  ])('parses %j', (source, parts) => {
    expect(parseTemplate(source).parts).toEqual(parts);
  });

  test('lists each variable once, in order of first use', () => {
    expect(parseTemplate('{{link}} {{agent.name}} {{ link }} {{agent.name|"x"}}').variables).toEqual([
      'link',
      'agent.name',
    ]);
  });

  test('returns a frozen result that can be cached and shared', () => {
    const parsed = parseTemplate('{{link}} text');
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.parts)).toBe(true);
    expect(Object.isFrozen(parsed.parts[0])).toBe(true);
    expect(Object.isFrozen(parsed.variables)).toBe(true);
  });

  test.each<[string, RegExp]>([
    ['Hello {{requester.name', /"\{\{" is never closed with "\}\}" at offset 6 \(line 1, column 7\)/],
    ['Hello {{', /never closed .* at offset 6/],
    ['{{ link | "x" ', /never closed .* at offset 0/],
    ['{{ link |', /never closed .* at offset 0/],
    ['{{}}', /empty variable name .* at offset 0/],
    ['ab {{   }}', /empty variable name .* at offset 3/],
    ['{{ | "x" }}', /empty variable name .* at offset 0/],
    [
      '{{ticket-number}}',
      /unexpected character "-" in a variable name \(write \\\{\{ for a literal \{\{\) at offset 8/,
    ],
    ['{{ ticket number }}', /unexpected character "n" after the variable name .* at offset 10/],
    ['{{{link}}}', /unexpected character "\{" .* at offset 2/],
    ['{{ "link" }}', /unexpected character "\\"" .* at offset 3/],
    ['{{ link() }}', /unexpected character "\(" .* at offset 7/],
    ['{{#each items}}', /unexpected character "#" .* at offset 2/],
    ['{{ link.toUpperCase() }}', /unexpected character "\(" .* at offset 19/],
    [
      '{{ link } }}',
      /unexpected character "\}" after the variable name \(expected "\}\}" or a "\|" fallback\) at offset 8/,
    ],
    ['{{ticket..number}}', /invalid variable name "ticket\.\.number" .* at offset 2/],
    ['{{.link}}', /invalid variable name "\.link" .* at offset 2/],
    ['{{link.}}', /invalid variable name "link\." .* at offset 2/],
    ['{{fields.1st}}', /invalid variable name "fields\.1st" .* at offset 2/],
    ['{{ link | there }}', /expected a double-quoted fallback after "\|", found "t" at offset 10/],
    ["{{ link | 'there' }}", /expected a double-quoted fallback .* at offset 10/],
    ['{{ link | "there }}', /unterminated fallback string at offset 10/],
    ['{{ link | "a\\nb" }}', /unknown escape "\\n" in a fallback .* at offset 12/],
    ['{{ link | "a\\', /unknown escape a lone "\\" in a fallback .* at offset 12/],
    ['{{ link | "a" "b" }}', /unexpected character "\\"" after the fallback .* at offset 14/],
    ['{{ link | "a" | "b" }}', /unexpected character "\|" after the fallback .* at offset 14/],
    ['line one\nline two {{ oops', /at offset 18 \(line 2, column 10\)/],
  ])('refuses %j', (source, message) => {
    const error = thrown(() => parseTemplate(source));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toEqual([]);
    expect(error.issues[0]?.message).toMatch(message);
    expect(error.message).toMatch(/^Invalid template: /);
  });

  test('puts options.path on syntax issues', () => {
    expect(thrown(() => parseTemplate('{{', { path: ['body'] })).issues[0]?.path).toEqual(['body']);
  });

  test('refuses a source that is not a string (untyped callers)', () => {
    expect(thrown(() => parseTemplate(42 as unknown as string)).issues[0]?.message).toBe('must be a string');
  });

  // One linear pass: a quadratic parser would not finish these within the test timeout.
  test('handles hostile input in one pass', () => {
    for (const source of ['{{'.repeat(50_000), `{{${'a'.repeat(100_000)}`, `{{ a | "${'\\\\'.repeat(50_000)}`]) {
      expect(() => parseTemplate(source)).toThrow();
    }
    const long = parseTemplate(`${'{{link}}'.repeat(20_000)}${'\\{{'.repeat(20_000)}`);
    expect(long.variables).toEqual(['link']);
  });
});

describe('isTemplateVariable', () => {
  test.each(TEMPLATE_VARIABLES)('knows %s', (name) => {
    expect(isTemplateVariable(name)).toBe(true);
    expect(isTemplateVariable(name, [])).toBe(true);
  });

  test.each<[string, readonly string[] | null | undefined, boolean]>([
    ['fields.plan', undefined, true],
    ['fields.plan', null, true],
    ['fields.plan', ['plan', 'tier'], true],
    ['fields.plan', ['tier'], false],
    ['fields.plan', [], false],
    ['fields.Plan', ['plan'], false],
    ['fields.a', undefined, true],
    [`fields.a${'b'.repeat(63)}`, undefined, true],
    [`fields.a${'b'.repeat(64)}`, undefined, false],
    ['fields._plan', undefined, false],
    ['fields._plan', ['_plan'], false],
    ['fields.1plan', undefined, false],
    ['fields.plan.tier', undefined, false],
    ['fields.', undefined, false],
    ['fields', undefined, false],
    ['fields.plan-tier', ['plan-tier'], false],
    ['ticket.numbr', undefined, false],
    ['ticket', undefined, false],
    ['Ticket.Number', undefined, false],
    ['constructor', undefined, false],
    ['', undefined, false],
  ])('%s with %j is %s', (name, ids, expected) => {
    expect(isTemplateVariable(name, ids)).toBe(expected);
  });
});

describe('checkVariables', () => {
  test('accepts known variables and custom fields', () => {
    const parsed = parseTemplate('{{ticket.number}} {{link}} {{fields.plan}}');
    expect(() => checkVariables(parsed, {})).not.toThrow();
    expect(() => checkVariables(parsed, { customFieldIds: null })).not.toThrow();
    expect(() => checkVariables(parsed, { customFieldIds: ['plan'] })).not.toThrow();
  });

  test('reports each unknown variable once, with a suggestion when one is close', () => {
    const parsed = parseTemplate('{{ticket.numbr}} {{agent.nmae}} {{ticket.numbr}} {{weather.today}} {{link}}');
    const error = thrown(() => checkVariables(parsed, { path: ['body'] }));
    expect(error.issues).toEqual([
      { path: ['body'], message: 'unknown variable {{ticket.numbr}} — did you mean {{ticket.number}}?' },
      { path: ['body'], message: 'unknown variable {{agent.nmae}} — did you mean {{agent.name}}?' },
      { path: ['body'], message: 'unknown variable {{weather.today}}' },
    ]);
    expect(error.message).toContain('body: unknown variable {{ticket.numbr}}');
  });

  test.each<[string, string | undefined]>([
    ['ticket.statu', 'ticket.status'],
    ['ticket.sttaus', 'ticket.status'],
    ['tickets.number', 'ticket.number'],
    ['lnk', 'link'],
    ['requester.emial', 'requester.email'],
    ['Ticket.Number', 'ticket.number'],
    ['ticket.nbr', undefined],
    ['department', undefined],
  ])('suggests for %s: %s', (name, suggestion) => {
    const message = thrown(() => checkVariables(parseTemplate(`{{${name}}}`))).issues[0]?.message;
    expect(message).toBe(
      suggestion === undefined
        ? `unknown variable {{${name}}}`
        : `unknown variable {{${name}}} — did you mean {{${suggestion}}}?`,
    );
  });

  test('refuses custom fields outside the list and suggests listed ones', () => {
    const parsed = parseTemplate('{{fields.paln}} {{fields.region}}');
    const error = thrown(() => checkVariables(parsed, { customFieldIds: ['plan', 'tier'], path: ['subject'] }));
    expect(error.issues).toEqual([
      { path: ['subject'], message: 'unknown variable {{fields.paln}} — did you mean {{fields.plan}}?' },
      { path: ['subject'], message: 'unknown variable {{fields.region}}' },
    ]);
  });

  test('without a list any valid id is allowed, an invalid one never', () => {
    expect(() => checkVariables(parseTemplate('{{fields.anything_at_all}}'))).not.toThrow();
    const error = thrown(() => checkVariables(parseTemplate('{{fields._secret}} {{fields.a.b}}')));
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'unknown variable {{fields._secret}}: a custom field id starts with a letter and has at most 64 letters, digits or _',
      'unknown variable {{fields.a.b}}: a custom field id starts with a letter and has at most 64 letters, digits or _',
    ]);
  });

  test('an empty list allows no custom field', () => {
    expect(thrown(() => checkVariables(parseTemplate('{{fields.plan}}'), { customFieldIds: [] })).issues).toHaveLength(
      1,
    );
  });

  test('defaults the path to the template as a whole and shortens long names', () => {
    const long = `x${'y'.repeat(500)}`;
    const issue = thrown(() => checkVariables(parseTemplate(`{{${long}}}`))).issues[0];
    expect(issue?.path).toEqual([]);
    expect(issue?.message.length).toBeLessThan(120);
  });
});

describe('renderTemplate', () => {
  test.each<[string, TemplateValues, string]>([
    [
      'Hi {{requester.name}}, ticket {{ticket.number}} ({{ticket.subject}}) is with {{agent.name}} in {{department.name}}.',
      values,
      'Hi Ada, ticket TK-42 (Printer on fire) is with Grace in Facilities.',
    ],
    ['{{ link }}', values, 'https://desk.example.com/t/42'],
    ['Plan: {{fields.plan}}', values, 'Plan: Pro'],
    ['#{{ticket.number}}', { 'ticket.number': 42 }, '#42'],
    ['{{ticket.number}}', { 'ticket.number': 0 }, '0'],
    ['{{fields.vip}}', { 'fields.vip': true }, 'true'],
    ['{{fields.vip}}', { 'fields.vip': false }, 'false'],
    ['Hi {{ requester.name | "there" }}!', {}, 'Hi there!'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': null }, 'Hi there!'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': undefined }, 'Hi there!'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': '' }, 'Hi there!'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': '\u0000\u0007' }, 'Hi there!'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': ' ' }, 'Hi  !'],
    ['Hi {{ requester.name | "there" }}!', { 'requester.name': 'Ada' }, 'Hi Ada!'],
    ['Hi {{ requester.name }}!', {}, 'Hi !'],
    ['Hi {{ requester.name | "" }}!', {}, 'Hi !'],
    ['{{ link | "say \\"hi\\"" }}', {}, 'say "hi"'],
    ['\\{{ticket.number}} is {{ticket.number}}', values, '{{ticket.number}} is TK-42'],
    ['{{unknown.thing}}', { 'unknown.thing': 'shown' }, 'shown'],
    ['{{constructor}}|{{toString}}', {}, '|'],
    ['keep\u0007 template\r\n text', {}, 'keep\u0007 template\r\n text'],
  ])('renders %j', (source, input, expected) => {
    expect(renderTemplate(source, input)).toBe(expected);
    expect(renderTemplate(parseTemplate(source), input, { format: 'text' })).toBe(expected);
  });

  test('inserts values verbatim in text format', () => {
    expect(renderTemplate('{{ticket.subject}}', { 'ticket.subject': '<b>"Tom" & \'Jerry\'</b>' })).toBe(
      '<b>"Tom" & \'Jerry\'</b>',
    );
  });

  test('removes control characters other than newline and tab from values in both formats', () => {
    const hostile = 'a\u0000b\u0007c\u001b[31md\re\nf\tg\u007fh\u0085i\u009fj';
    expect(renderTemplate('{{ticket.subject}}', { 'ticket.subject': hostile })).toBe('abc[31mde\nf\tghij');
    expect(renderTemplate('{{ticket.subject}}', { 'ticket.subject': hostile }, { format: 'html' })).toBe(
      'abc[31mde\nf\tghij',
    );
    expect(renderTemplate('{{link|"a\u0000b"}}', {})).toBe('ab');
  });

  test('never expands a value or a fallback as a template', () => {
    expect(renderTemplate('{{ticket.subject}}', { 'ticket.subject': '{{agent.name}}', 'agent.name': 'Grace' })).toBe(
      '{{agent.name}}',
    );
    expect(
      renderTemplate(
        '{{ticket.subject}}',
        { 'ticket.subject': '{{agent.name}}', 'agent.name': 'Grace' },
        { format: 'html' },
      ),
    ).toBe('{{agent.name}}');
    expect(renderTemplate('{{ticket.subject | "{{agent.name}}"}}', { 'agent.name': 'Grace' })).toBe('{{agent.name}}');
    expect(renderTemplate('{{a}}{{b}}', { a: '{', b: '{link}}', link: 'x' })).toBe('{{link}}');
  });

  test('parses a string template and throws on broken syntax', () => {
    expect(thrown(() => renderTemplate('{{ oops', values)).issues[0]?.message).toMatch(/never closed/);
  });

  test('refuses an unknown format from untyped callers', () => {
    const error = thrown(() => renderTemplate('x', {}, { format: 'HTML' as 'html' }));
    expect(error.issues).toEqual([{ path: ['format'], message: 'must be "text" or "html"' }]);
  });

  test('ignores values that are not strings, numbers or booleans (untyped callers)', () => {
    const odd = { 'ticket.subject': { toString: () => 'evil' }, link: () => 'fn' } as unknown as TemplateValues;
    expect(renderTemplate('[{{ticket.subject}}][{{link | "none"}}]', odd)).toBe('[][none]');
  });
});

describe('renderTemplate with dropEmptyLines', () => {
  test.each<[string, TemplateValues, string]>([
    ['Dear Ada,\n\n{{message}}\n\nBye', {}, 'Dear Ada,\n\nBye'],
    ['Dear Ada,\n\n{{message}}\n\nBye', { message: 'Fixed.' }, 'Dear Ada,\n\nFixed.\n\nBye'],
    ['A\n{{message}}\nB', {}, 'A\nB'],
    ['{{message}}\n\nBye', {}, 'Bye'],
    ['Hi\n\n{{link}}', {}, 'Hi'],
    // Not alone on its line: the line stays.
    ['Note: {{message}}\nBye', {}, 'Note: \nBye'],
    ['{{message}} done\nBye', {}, ' done\nBye'],
    // A fallback is a value.
    ['A\n\n{{link | "no link"}}\n\nB', {}, 'A\n\nno link\n\nB'],
  ])('%j with %j', (template, given, expected) => {
    expect(renderTemplate(template, given, { dropEmptyLines: true })).toBe(expected);
  });

  test('is off by default: an empty variable keeps its line', () => {
    expect(renderTemplate('A\n\n{{message}}\n\nB', {})).toBe('A\n\n\n\nB');
  });
});

describe('renderTemplate in html format', () => {
  test('escapes values and fallbacks but not the template text', () => {
    expect(
      renderTemplate(
        '<p class="greeting">Hi {{requester.name | "<friend>"}} & welcome — {{ticket.subject}}</p>',
        { 'ticket.subject': 'Tom & "Jerry" \'s <b>' },
        { format: 'html' },
      ),
    ).toBe('<p class="greeting">Hi &lt;friend&gt; & welcome — Tom &amp; &quot;Jerry&quot; &#39;s &lt;b&gt;</p>');
  });

  test.each([
    ['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['&lt;script&gt;', '<p>&amp;lt;script&amp;gt;</p>'],
  ])('makes %j inert in element text', (subject, expected) => {
    expect(renderTemplate('<p>{{ticket.subject}}</p>', { 'ticket.subject': subject }, { format: 'html' })).toBe(
      expected,
    );
  });

  test.each([
    ['" onmouseover="alert(1)', '<a title="&quot; onmouseover=&quot;alert(1)">x</a>'],
    ['x"><script>alert(1)</script>', '<a title="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</a>'],
  ])('keeps %j inside a double-quoted attribute', (subject, expected) => {
    expect(
      renderTemplate('<a title="{{ticket.subject}}">x</a>', { 'ticket.subject': subject }, { format: 'html' }),
    ).toBe(expected);
  });

  test('keeps a value inside a single-quoted attribute', () => {
    expect(
      renderTemplate(
        "<a title='{{ticket.subject}}'>x</a>",
        { 'ticket.subject': "' onclick='alert(1)" },
        { format: 'html' },
      ),
    ).toBe("<a title='&#39; onclick=&#39;alert(1)'>x</a>");
  });

  test('round-trips any value through <p>{{ticket.subject}}</p>', () => {
    const hostileCharacters = fc.constantFrom(
      ...'<>&"\'{}|\\/;#=\u0000\u0007\u001b\r\n\t\u007f\u0085\u2028 aZ'.split(''),
      '&amp;',
      '&lt;',
      '{{agent.name}}',
      '<script>',
      '</p>',
    );
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: hostileCharacters, maxLength: 30 }),
    );
    const template = parseTemplate('<p>{{ticket.subject}}</p>');
    fc.assert(
      fc.property(value, (v) => {
        const html = renderTemplate(template, { 'ticket.subject': v, 'agent.name': 'Grace' }, { format: 'html' });
        expect(html.startsWith('<p>')).toBe(true);
        expect(html.endsWith('</p>')).toBe(true);
        const inner = html.slice('<p>'.length, -'</p>'.length);
        expect(inner).not.toMatch(/[<>"']/);
        expect(html.split('<')).toHaveLength(3);
        expect(unescapeHtml(inner)).toBe(v.replace(CONTROL, ''));
      }),
      { numRuns: 300 },
    );
  });
});
