import { afterEach, describe, expect, test, vi } from 'vitest';
import { isTicketkitError, type TicketkitError } from '../errors/ticketkit-error.js';
import {
  checkVariables,
  isTemplateVariable,
  parseTemplate,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type Template,
} from './index.js';

function refusal(run: () => unknown): TicketkitError {
  try {
    run();
  } catch (error) {
    if (isTicketkitError(error, 'VALIDATION_FAILED')) return error;
    throw error;
  }
  throw new Error('expected a VALIDATION_FAILED error');
}

const render = (source: string, context: Record<string, unknown>, format?: 'text' | 'html') =>
  renderTemplate(parseTemplate(source), context, { format });

describe('parseTemplate', () => {
  test('splits literal text and variables, allowing whitespace inside the braces', () => {
    const template = parseTemplate('Hi {{requester.name}}, ticket {{ ticket.number }} ({{\tticket.status\n}}).');
    expect(template.parts).toEqual([
      'Hi ',
      { variable: 'requester.name' },
      ', ticket ',
      { variable: 'ticket.number' },
      ' (',
      { variable: 'ticket.status' },
      ').',
    ]);
    expect(template.variables).toEqual(['requester.name', 'ticket.number', 'ticket.status']);
    expect(template.source).toBe('Hi {{requester.name}}, ticket {{ ticket.number }} ({{\tticket.status\n}}).');
  });

  test('lists each variable once, in order of first use', () => {
    expect(parseTemplate('{{link}} {{ agent.name }} {{link}}').variables).toEqual(['link', 'agent.name']);
  });

  test('adjacent variables need no text between them', () => {
    expect(parseTemplate('{{a}}{{b.c}}{{a}}').parts).toEqual([
      { variable: 'a' },
      { variable: 'b.c' },
      { variable: 'a' },
    ]);
  });

  test('an empty template and a template without variables are plain text', () => {
    expect(parseTemplate('')).toMatchObject({ parts: [], variables: [] });
    expect(parseTemplate('Thanks!').parts).toEqual(['Thanks!']);
  });

  test('\\{{ is a literal {{ and does not split the text', () => {
    const template = parseTemplate('Write \\{{ticket.number}} to get {{ticket.number}}.');
    expect(template.parts).toEqual(['Write {{ticket.number}} to get ', { variable: 'ticket.number' }, '.']);
    expect(template.variables).toEqual(['ticket.number']);
    expect(parseTemplate('\\{{').parts).toEqual(['{{']);
    expect(parseTemplate('\\{{{a}}').parts).toEqual(['{{{a}}']);
  });

  test('a backslash elsewhere is literal text', () => {
    expect(parseTemplate('C:\\temp \\{ \\}} {{a}}\\').parts).toEqual(['C:\\temp \\{ \\}} ', { variable: 'a' }, '\\']);
  });

  test('braces that are not {{ are literal text', () => {
    const source = 'function f() { return {a: 1}; } }} { x } {a}} } {';
    expect(parseTemplate(source).parts).toEqual([source]);
    expect(parseTemplate('{ {{a}} }').parts).toEqual(['{ ', { variable: 'a' }, ' }']);
    expect(parseTemplate('{{a}}}').parts).toEqual([{ variable: 'a' }, '}']);
  });

  test('accepts dotted identifiers with digits and underscores', () => {
    expect(parseTemplate('{{ fields.order_id }}{{_x.y2.Z_3}}').variables).toEqual(['fields.order_id', '_x.y2.Z_3']);
  });

  test('the result is frozen, so a cached template cannot be changed by one of its users', () => {
    const template = parseTemplate('a {{b}}');
    expect(Object.isFrozen(template)).toBe(true);
    expect(Object.isFrozen(template.parts)).toBe(true);
    expect(Object.isFrozen(template.variables)).toBe(true);
    expect(Object.isFrozen(template.parts[1])).toBe(true);
  });

  test('a 100 kB template parses in linear time', () => {
    const chunk = 'Dear {{ requester.name }}, about {{ticket.number}}: \\{{ not a var }} {braces} }}\n';
    const source = chunk.repeat(Math.ceil(100_000 / chunk.length));
    expect(source.length).toBeGreaterThanOrEqual(100_000);
    const started = performance.now();
    const template = parseTemplate(source);
    const elapsed = performance.now() - started;
    expect(template.variables).toEqual(['requester.name', 'ticket.number']);
    expect(template.parts.filter((part) => typeof part !== 'string')).toHaveLength(
      2 * Math.ceil(100_000 / chunk.length),
    );
    // Linear parsing takes a few milliseconds; a backtracking parser takes seconds or never ends.
    expect(elapsed).toBeLessThan(250);
  });

  test.each([
    ['unclosed openers', '{{'.repeat(50_000), /is never closed/],
    ['openers closed once at the end', `${'{{'.repeat(50_000)}}}`, /is not a variable name/],
    ['a long dotted name with a bad end', `{{${'a.'.repeat(50_000)}}}`, /is not a variable name/],
    ['a long name that is never closed', `{{ ${'a'.repeat(100_000)}`, /is never closed/],
    ['whitespace that is never closed', `{{${' '.repeat(100_000)}`, /is never closed/],
    ['escapes then an opener', `${'\\{{'.repeat(50_000)}{{`, /is never closed/],
  ])('pathological input (%s) fails fast with a short, clear message', (_, source, message) => {
    const started = performance.now();
    const error = refusal(() => parseTemplate(source, ['body']));
    expect(performance.now() - started).toBeLessThan(250);
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThan(300);
    expect(error.issues[0]?.path).toEqual(['body']);
  });

  test('closing braces alone, however many, are text', () => {
    const source = '}}'.repeat(50_000);
    expect(parseTemplate(source).parts).toEqual([source]);
  });

  test.each([
    ['an unclosed {{', 'Hello {{ requester.name', '"{{ requester.name" is never closed with "}}" at line 1, column 7'],
    ['an empty {{}}', 'Hi {{}}', '"{{}}" names no variable at line 1, column 4'],
    ['a blank {{ }}', 'Hi\n  {{  }}', '"{{  }}" names no variable at line 2, column 3'],
    ['a hyphen', '{{ ticket-number }}', '"{{ ticket-number }}" is not a variable name'],
    ['a leading digit', '{{ 1st }}', '"{{ 1st }}" is not a variable name'],
    ['a trailing dot', '{{ ticket. }}', '"{{ ticket. }}" is not a variable name'],
    ['a doubled dot', '{{ ticket..number }}', '"{{ ticket..number }}" is not a variable name'],
    ['a leading dot', '{{.ticket}}', '"{{.ticket}}" is not a variable name'],
    ['spaces inside the name', '{{ ticket . number }}', '"{{ ticket . number }}" is not a variable name'],
    ['an expression', '{{ ticket.number + 1 }}', '"{{ ticket.number + 1 }}" is not a variable name'],
    ['a bracket index', "{{ fields['x'] }}", '"{{ fields[\'x\'] }}" is not a variable name'],
    ['a call', '{{ link() }}', '"{{ link() }}" is not a variable name'],
    ['triple braces', '{{{ link }}}', '"{{{ link }}" is not a variable name'],
    ['a nested opener', '{{ a {{ b }}', '"{{ a {{ b }}" is not a variable name'],
    ['a non-ASCII name', '{{ tïcket }}', '"{{ tïcket }}" is not a variable name'],
  ])('refuses %s, naming the field path and quoting the bad piece', (_, source, message) => {
    const error = refusal(() => parseTemplate(source, ['cannedResponses', 3, 'body']));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toEqual(['cannedResponses', 3, 'body']);
    expect(error.issues[0]?.message).toContain(message);
    expect(error.message).toContain(`cannedResponses.3.body: ${message}`);
  });

  test('long offending text is quoted cut short', () => {
    const error = refusal(() => parseTemplate(`ok {{ ${'x'.repeat(500)}`, ['subject']));
    expect(error.message).toContain(`"{{ ${'x'.repeat(57)}…" is never closed`);
  });

  test('without a field path the error concerns the input as a whole', () => {
    const error = refusal(() => parseTemplate('{{'));
    expect(error.issues[0]?.path).toEqual([]);
    expect(error.message).toBe('Invalid template: (input): "{{" is never closed with "}}" at line 1, column 1');
  });

  test('refuses a source that is not a string', () => {
    const error = refusal(() => parseTemplate(42 as unknown as string, ['body']));
    expect(error.message).toBe('Invalid template: body: must be a string');
  });
});

describe('checkVariables', () => {
  const isAllowed = (variable: string) => isTemplateVariable(variable, ['order_id']);

  test('accepts a template whose variables are all allowed', () => {
    const template = parseTemplate('{{ticket.number}} {{fields.order_id}} {{ link }}');
    expect(() => checkVariables(template, isAllowed, ['body'])).not.toThrow();
    expect(() => checkVariables(parseTemplate('no variables'), () => false)).not.toThrow();
  });

  test('refuses unknown names, listing every one of them and the allowed ones', () => {
    const template = parseTemplate('{{ticket.number}} {{ticket.secret}} {{fields.card}} {{ticket.secret}}');
    const error = refusal(() =>
      checkVariables(template, isAllowed, ['cannedResponses', 'body'], [...TEMPLATE_VARIABLES, 'fields.order_id']),
    );
    expect(error.issues).toEqual([
      {
        path: ['cannedResponses', 'body'],
        message: `unknown variables {{ticket.secret}}, {{fields.card}}; allowed: ${[...TEMPLATE_VARIABLES, 'fields.order_id'].join(', ')}`,
      },
    ]);
    expect(error.message).toMatch(/^Invalid template: cannedResponses\.body: unknown variables \{\{ticket\.secret\}\}/);
  });

  test('one unknown name reads in the singular; without allowedForMessage only the unknown ones are listed', () => {
    const error = refusal(() => checkVariables(parseTemplate('{{ nope }}'), isAllowed));
    expect(error.message).toBe('Invalid template: (input): unknown variable {{nope}}');
  });

  test('the predicate is asked about each distinct variable', () => {
    const isAllowedSpy = vi.fn(() => true);
    checkVariables(parseTemplate('{{a}} {{b}} {{a}}'), isAllowedSpy);
    expect(isAllowedSpy.mock.calls).toEqual([['a'], ['b']]);
  });
});

describe('renderTemplate', () => {
  const context = {
    ticket: { number: 'T-1042', subject: 'Printer on fire', priority: 'high', status: 'open' },
    requester: { name: 'Ada', email: 'ada@example.com' },
    link: 'https://help.example.com/t/T-1042?a=1&b=2',
  };

  test('substitutes values by dotted path', () => {
    expect(render('[{{ ticket.number }}] {{ticket.subject}} for {{requester.name}}', context)).toBe(
      '[T-1042] Printer on fire for Ada',
    );
  });

  test('text is the default format', () => {
    expect(renderTemplate(parseTemplate('{{link}}'), context)).toBe('https://help.example.com/t/T-1042?a=1&b=2');
  });

  test('a custom field is read from fields', () => {
    expect(render('Order {{ fields.order_id }}', { fields: { order_id: 'A-1' } })).toBe('Order A-1');
  });

  test('missing, null and undefined values render empty', () => {
    expect(
      render('[{{missing}}|{{ticket.missing}}|{{ticket.number.deeper}}|{{nil}}|{{undef}}|{{nil.below}}]', {
        ticket: { number: 'T-1' },
        nil: null,
        undef: undefined,
      }),
    ).toBe('[|||||]');
  });

  test('numbers, booleans and bigints render with String(); objects and arrays render empty', () => {
    expect(
      render('{{n}} {{zero}} {{neg}} {{yes}} {{no}} {{big}} [{{obj}}] [{{arr}}] [{{date}}] [{{sym}}]', {
        n: 42.5,
        zero: 0,
        neg: -1,
        yes: true,
        no: false,
        big: 10n,
        obj: { a: 1 },
        arr: [1, 2],
        date: new Date(0),
        sym: Symbol('s'),
      }),
    ).toBe('42.5 0 -1 true false 10 [] [] [] []');
  });

  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["' onmouseover='alert(1)", '&#39; onmouseover=&#39;alert(1)'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${} is the payload, it must reach the renderer as typed
    ['`${}`', '&#96;${}&#96;'],
    ['Tom & Jerry &amp;', 'Tom &amp; Jerry &amp;amp;'],
  ])('html escapes %j in values; text leaves it verbatim', (payload, escaped) => {
    const template = parseTemplate('<p title="{{ requester.name }}">{{ ticket.subject }}</p>');
    const values = { requester: { name: payload }, ticket: { subject: payload } };
    expect(renderTemplate(template, values, { format: 'html' })).toBe(`<p title="${escaped}">${escaped}</p>`);
    expect(renderTemplate(template, values, { format: 'text' })).toBe(`<p title="${payload}">${payload}</p>`);
  });

  test("the template's own HTML stays as written in html", () => {
    const source = '<a href="{{link}}" class=\'btn\'>Open &rarr;</a> <b>`code`</b>';
    expect(render(source, context, 'html')).toBe(
      '<a href="https://help.example.com/t/T-1042?a=1&amp;b=2" class=\'btn\'>Open &rarr;</a> <b>`code`</b>',
    );
  });

  test('values are never parsed as templates themselves', () => {
    const values = { requester: { name: '{{ticket.secret}} \\{{x}}' }, ticket: { secret: 's3cret' } };
    expect(render('Hi {{requester.name}}', values)).toBe('Hi {{ticket.secret}} \\{{x}}');
    expect(render('Hi {{requester.name}}', values, 'html')).toBe('Hi {{ticket.secret}} \\{{x}}');
  });

  test('a numeric value is escaped like any other in html', () => {
    expect(render('{{n}}', { n: 1 }, 'html')).toBe('1');
  });

  test('refuses an unknown format rather than falling back to unescaped text', () => {
    const error = refusal(() =>
      renderTemplate(parseTemplate('{{a}}'), { a: '<b>' }, { format: 'HTML' as unknown as 'html' }),
    );
    expect(error.issues).toEqual([{ path: ['format'], message: 'must be "text" or "html"' }]);
    expect(error.message).toBe('Invalid render options: format: must be "text" or "html"');
  });

  test('renders a 100 kB template quickly', () => {
    const template = parseTemplate('{{ ticket.subject }} & more <br>\n'.repeat(4_000));
    const started = performance.now();
    const html = renderTemplate(template, { ticket: { subject: '<i>x</i>' } }, { format: 'html' });
    expect(performance.now() - started).toBeLessThan(250);
    expect(html.startsWith('&lt;i&gt;x&lt;/i&gt; & more <br>\n')).toBe(true);
  });
});

describe('prototype safety', () => {
  afterEach(() => {
    // Belt and braces: if a test ever did pollute, later tests must not inherit it.
    delete (Object.prototype as Record<string, unknown>).polluted;
    delete (Object.prototype as Record<string, unknown>).x;
  });

  const assertPrototypesClean = () => {
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'x')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  };

  test('{{__proto__.polluted}} reads nothing and writes nothing', () => {
    const template = parseTemplate('[{{__proto__.polluted}}][{{__proto__}}][{{ticket.__proto__.polluted}}]');
    expect(renderTemplate(template, { ticket: {} })).toBe('[][][]');
    expect(renderTemplate(template, { ticket: {} }, { format: 'html' })).toBe('[][][]');
    assertPrototypesClean();
  });

  test('{{constructor.name}}, {{prototype}} and inherited methods render empty', () => {
    expect(
      render('[{{constructor.name}}][{{constructor}}][{{ticket.constructor.name}}][{{prototype}}][{{toString}}]', {
        ticket: {},
      }),
    ).toBe('[][][][][]');
    expect(render('[{{hasOwnProperty}}][{{valueOf}}][{{ticket.toString}}]', { ticket: { number: 'T-1' } })).toBe(
      '[][][]',
    );
  });

  test('own properties named constructor or prototype are not read either', () => {
    expect(render('[{{constructor}}][{{prototype.x}}]', { constructor: 'c', prototype: { x: 'p' } })).toBe('[][]');
  });

  test('a context from JSON.parse with a __proto__ key neither leaks nor pollutes', () => {
    const context = JSON.parse('{"__proto__": {"x": 1}, "ticket": {"__proto__": {"number": "T-evil"}}}');
    expect(Object.hasOwn(context, '__proto__')).toBe(true);
    expect(render('[{{__proto__.x}}][{{x}}][{{ticket.number}}][{{ticket.__proto__.number}}]', context)).toBe(
      '[][][][]',
    );
    assertPrototypesClean();
  });

  test('inherited values are never read', () => {
    const inherited = Object.create({ secret: 'inherited' }) as Record<string, unknown>;
    const child = Object.create({ number: 'T-inherited' }) as Record<string, unknown>;
    expect(render('[{{secret}}][{{ticket.number}}]', { ticket: child })).toBe('[][]');
    expect(renderTemplate(parseTemplate('[{{secret}}]'), inherited)).toBe('[]');
  });

  test('null-prototype objects are plain and can be walked', () => {
    const ticket = Object.assign(Object.create(null), { number: 'T-7' });
    expect(render('{{ticket.number}}', Object.assign(Object.create(null), { ticket }))).toBe('T-7');
  });

  test('functions and getters are never called', () => {
    const fn = vi.fn(() => 'called');
    const getter = vi.fn(() => 'got');
    const ticket = { number: fn, subject: 'S' } as Record<string, unknown>;
    Object.defineProperty(ticket, 'status', { get: getter, enumerable: true });
    expect(
      render('[{{ticket.number}}][{{ticket.number.name}}][{{ticket.status}}][{{ticket.subject}}]', { ticket }),
    ).toBe('[][][][S]');
    expect(fn).not.toHaveBeenCalled();
    expect(getter).not.toHaveBeenCalled();
  });

  test('class instances, arrays and maps are not walked into', () => {
    class Ticket {
      number = 'T-1';
    }
    expect(
      render('[{{ticket.number}}][{{list.length}}][{{map.size}}][{{date.getTime}}]', {
        ticket: new Ticket(),
        list: ['a'],
        map: new Map([['size', 'x']]),
        date: new Date(0),
      }),
    ).toBe('[][][][]');
  });
});

describe('isTemplateVariable', () => {
  test('accepts every offered variable', () => {
    for (const variable of TEMPLATE_VARIABLES) expect(isTemplateVariable(variable)).toBe(true);
    expect(TEMPLATE_VARIABLES).toEqual([
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
    expect(Object.isFrozen(TEMPLATE_VARIABLES)).toBe(true);
  });

  test('without fieldNames, any fields.<identifier> names a custom field', () => {
    expect(isTemplateVariable('fields.order_id')).toBe(true);
    expect(isTemplateVariable('fields._x9')).toBe(true);
  });

  test('with fieldNames, only those fields', () => {
    expect(isTemplateVariable('fields.order_id', ['order_id', 'plan'])).toBe(true);
    expect(isTemplateVariable('fields.plan', ['order_id', 'plan'])).toBe(true);
    expect(isTemplateVariable('fields.card', ['order_id', 'plan'])).toBe(false);
    expect(isTemplateVariable('fields.order_id', [])).toBe(false);
    expect(isTemplateVariable('ticket.number', [])).toBe(true);
  });

  test.each([
    'ticket',
    'ticket.id',
    'ticket.number.length',
    'requester',
    'fields',
    'fields.',
    'fields.a.b',
    'fields.1x',
    'fields.__proto__',
    'fields.constructor',
    'fields.prototype',
    'Ticket.number',
    'link.href',
    '',
  ])('refuses %j', (variable) => {
    expect(isTemplateVariable(variable)).toBe(false);
    expect(isTemplateVariable(variable, ['__proto__', 'constructor', 'prototype', 'a'])).toBe(false);
  });
});

test('the exported Template type matches what parseTemplate returns', () => {
  const template: Template = parseTemplate('{{link}}');
  expect(template.variables).toEqual(['link']);
});
