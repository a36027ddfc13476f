import { createHelpDesk, type HelpDeskOptions, isTicketkitError, memoryStorage } from '@ticketkit/core';
import { createSupportApi, memoryRateLimitStore, type SupportApiOptions } from '@ticketkit/server';
import { expect, test, vi } from 'vitest';
import * as z from 'zod';

/**
 * The HTTP layer's own guards: media type, size and depth limits, malformed
 * bodies, the honeypot, rate limits, CORS, CSRF, access tokens, If-Match,
 * unknown routes and methods, options checking, and what a 500 may say.
 */

const URL_BASE = 'http://desk.test';

async function setup(options: SupportApiOptions = {}, deskOptions: Partial<HelpDeskOptions> = {}) {
  const desk = await createHelpDesk({ storage: memoryStorage(), logger: { warn() {}, error() {} }, ...deskOptions });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  const api = createSupportApi(desk, {
    authenticate: (request) => (request.headers.get('x-agent') ? { type: 'agent', id: 'ann' } : null),
    ...options,
  });
  const call = async (
    method: string,
    path: string,
    init: { body?: BodyInit | null; headers?: Record<string, string> } = {},
  ) => {
    const response = await api.fetch(
      new Request(`${URL_BASE}${path}`, { method, ...init, duplex: 'half' } as RequestInit),
    );
    const text = await response.text();
    return { response, status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const intake = (body: unknown, headers: Record<string, string> = {}) =>
    call('POST', '/tickets', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const valid = { requester: { email: 'ken@example.com' }, subject: 'Help', body: 'Please', departmentId: 'help' };
  return { desk, api, call, intake, valid };
}

test('bodies must be JSON in UTF-8, within the size and depth limits, and parse', async () => {
  const { call, desk, valid } = await setup({ maxBodyBytes: 2_048, maxJsonDepth: 8 });
  const post = (body: BodyInit, headers: Record<string, string>) => call('POST', '/tickets', { body, headers });
  const plain = await post(JSON.stringify(valid), { 'content-type': 'text/plain' });
  expect(plain.status).toBe(415);
  expect(plain.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(plain.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  expect((await post(JSON.stringify(valid), { 'content-type': 'application/json; charset=iso-8859-1' })).status).toBe(
    415,
  );
  expect((await post(JSON.stringify(valid), { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(201);

  // Too large: by its Content-Length, and by what is actually sent without one.
  const big = JSON.stringify({ ...valid, body: 'x'.repeat(4_000) });
  expect((await post(big, { 'content-type': 'application/json' })).json().code).toBe('PAYLOAD_TOO_LARGE');
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1;
      if (pulled > 1_000) controller.close();
      else controller.enqueue(new TextEncoder().encode('{"a":"'.padEnd(512, 'x')));
    },
  });
  const streamed = await post(endless, { 'content-type': 'application/json' });
  expect(streamed.status).toBe(413);
  expect(pulled, 'reading stopped soon after the limit').toBeLessThan(20);

  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const tooDeep = await post(JSON.stringify({ ...valid, fields: { a: JSON.parse(deep(8)) } }), {
    'content-type': 'application/json',
  });
  expect(tooDeep.status).toBe(422);
  expect(tooDeep.json().errors).toEqual([{ pointer: '', path: [], message: 'nests deeper than 8 levels' }]);
  // Brackets inside strings are text, not nesting.
  const inString = await post(JSON.stringify({ ...valid, body: deep(50) }), { 'content-type': 'application/json' });
  expect(inString.status).toBe(201);

  for (const [body, code] of [
    ['{"subject": ', 'MALFORMED_JSON'],
    ['', 'MALFORMED_JSON'],
    [new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'MALFORMED_JSON'],
  ] as const) {
    const response = await post(body as BodyInit, { 'content-type': 'application/json' });
    expect([response.status, response.json().code]).toEqual([400, code]);
  }
  expect((await desk.queues.counts({ actor: { type: 'agent', id: 'ann' } })).all).toBe(2);
});

test('the honeypot refuses bots and is never passed on; a customer never names someone else', async () => {
  const { intake, valid, desk } = await setup();
  const bot = await intake({ ...valid, website: 'http://spam.example' });
  expect(bot.status).toBe(422);
  expect(bot.json().errors).toEqual([{ pointer: '/website', path: ['website'], message: 'must be empty' }]);
  // A human leaves it empty; the core never sees it (it would refuse an unknown field).
  expect((await intake({ ...valid, website: '' })).status).toBe(201);
  const missing = await intake({ subject: 'Help', body: 'Please', departmentId: 'help' });
  expect(missing.json().errors).toEqual([
    { pointer: '/requester/email', path: ['requester', 'email'], message: 'is required' },
  ]);
  expect((await desk.queues.counts({ actor: { type: 'agent', id: 'ann' } })).all).toBe(1);
});

test('intake is rate limited per client IP and per email, with Retry-After', async () => {
  let now = Date.parse('2026-03-02T09:00:00Z');
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  try {
    const { intake, valid } = await setup({
      clientIp: (request) => request.headers.get('x-forwarded-for'),
      rateLimits: {
        intakePerIp: { limit: 2, window: '1m' },
        intakePerEmail: { limit: 3, window: '1h' },
        store: memoryRateLimitStore(),
      },
    });
    const from = (ip: string, email = 'ken@example.com') =>
      intake({ ...valid, requester: { email } }, { 'x-forwarded-for': ip });
    expect((await from('203.0.113.1')).status).toBe(201);
    expect((await from('203.0.113.1')).status).toBe(201);
    const third = await from('203.0.113.1');
    expect(third.status).toBe(429);
    expect(third.json().code).toBe('RATE_LIMITED');
    expect(third.response.headers.get('retry-after')).toBe('60');
    expect((await from('203.0.113.2')).status, 'another address has its own window').toBe(201);
    const fourthForKen = await from('203.0.113.3');
    expect([fourthForKen.status, fourthForKen.response.headers.get('retry-after')]).toEqual([429, '3600']);
    expect((await from('203.0.113.3', 'KAREN@example.com')).status).toBe(201);
    now += 61_000;
    expect((await from('203.0.113.1', 'karen@example.com')).status, 'a new minute').toBe(201);
  } finally {
    vi.restoreAllMocks();
  }
});

test('CORS answers only listed origins; cookie sessions must come from an allowed origin (CSRF)', async () => {
  const { call, valid } = await setup({ cors: { origins: ['https://www.example.com'], credentials: true } });
  const preflight = (origin: string) =>
    call('OPTIONS', '/tickets', {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  const allowed = await preflight('https://www.example.com');
  expect(allowed.response.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
  expect(allowed.response.headers.get('access-control-allow-credentials')).toBe('true');
  expect((await preflight('https://evil.example')).response.headers.get('access-control-allow-origin')).toBeNull();

  const post = (headers: Record<string, string>) =>
    call('POST', '/tickets', {
      body: JSON.stringify(valid),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const forged = await post({ cookie: 'session=abc', origin: 'https://evil.example' });
  expect([forged.status, forged.json().code]).toEqual([403, 'CSRF_REJECTED']);
  expect((await post({ cookie: 'session=abc' })).status, 'no Origin, no proof').toBe(403);
  expect((await post({ cookie: 'session=abc', origin: 'https://www.example.com' })).status).toBe(201);
  expect((await post({ cookie: 'session=abc', origin: URL_BASE })).status).toBe(201);
  expect((await post({ cookie: 'session=abc', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
  expect((await post({ cookie: 'session=abc', 'x-ticketkit-csrf': '1' })).status).toBe(201);
  expect((await post({})).status, 'no cookies: nothing a browser could forge').toBe(201);
});

test('access tokens: a bad one is a 401, never anonymous; a revoked one stops working; If-Match and ETag', async () => {
  const { call, intake, valid, desk } = await setup();
  const created = (await intake(valid)).json() as { ticket: { number: string }; accessToken: string };
  const path = `/tickets/${created.ticket.number}`;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const ok = await call('GET', path, { headers: bearer(created.accessToken) });
  expect(ok.status).toBe(200);
  expect(ok.response.headers.get('etag'), 'a customer’s ETag is a digest of their view').toMatch(/^"[1-9]\d{11}"$/);
  for (const header of ['Bearer nope', 'Bearer', 'Basic a2VuOnB3', `Bearer ${created.accessToken}x`]) {
    const refused = await call('GET', path, { headers: { authorization: header } });
    expect(refused.status, header).toBe(401);
    expect(refused.response.headers.get('www-authenticate')).toContain('Bearer');
  }
  const agent = { 'x-agent': '1', 'content-type': 'application/json' };
  const stale = await call('POST', `${path}/notes`, {
    body: JSON.stringify({ body: 'x' }),
    headers: { ...agent, 'if-match': '"7"' },
  });
  expect([stale.status, stale.json().code]).toEqual([409, 'CONFLICT']);
  const fresh = await call('POST', `${path}/notes`, {
    body: JSON.stringify({ body: 'x' }),
    headers: { ...agent, 'if-match': '"1"' },
  });
  expect([fresh.status, fresh.response.headers.get('etag')]).toEqual([200, '"2"']);
  expect(
    (await call('POST', `${path}/notes`, { body: '{"body":"x"}', headers: { ...agent, 'if-match': 'soon' } })).status,
  ).toBe(422);
  await desk.accessTokens.revoke(created.ticket.number, { actor: { type: 'agent', id: 'ann' } });
  expect((await call('GET', path, { headers: bearer(created.accessToken) })).status).toBe(401);
});

test('unknown routes are 404 and wrong methods 405 with Allow, as problems; responses are not cached or sniffed', async () => {
  const { call } = await setup({ basePath: '/support/api' });
  const missing = await call('GET', '/support/api/nothing');
  expect([missing.status, missing.json().code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  expect((await call('GET', '/tickets/1')).status, 'outside the base path').toBe(404);
  const wrong = await call('DELETE', '/support/api/tickets/123456');
  expect([wrong.status, wrong.response.headers.get('allow')]).toEqual([405, 'GET, PATCH']);
  const queue = await call('GET', '/support/api/queues/nope', { headers: { 'x-agent': '1' } });
  expect(queue.status).toBe(404);
  expect(queue.response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(queue.response.headers.get('cache-control')).toBe('no-store');
  const twice = await call('GET', '/support/api/queues/open?limit=5&limit=6', { headers: { 'x-agent': '1' } });
  expect(twice.json().errors).toEqual([{ pointer: '/limit', path: ['limit'], message: 'is given twice' }]);
});

test('a host bug is a 500 that says nothing inside, reported to onError', async () => {
  const errors: unknown[] = [];
  const { call } = await setup({
    authenticate: () => ({ type: 'system' }) as never,
    onError: (error) => errors.push(error),
  });
  const failed = await call('GET', '/queues');
  expect(failed.status).toBe(500);
  expect(failed.json()).toMatchObject({
    code: 'INTERNAL_ERROR',
    detail: 'The request failed inside the help desk; it has been logged.',
  });
  expect(failed.text).not.toContain('authenticate');
  expect(String(errors[0])).toContain('authenticate() must return');
});

test('options are checked when the API is created, naming the option', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  for (const [options, path] of [
    [{ basePath: 'support/' }, ['basePath']],
    [{ customerTokens: { secret: 'short' } }, ['customerTokens', 'secret']],
    [{ cors: { origins: ['*'] } }, ['cors', 'origins', 0]],
    [{ rateLimits: { intakePerIp: { limit: 0, window: '1m' } } }, ['rateLimits', 'intakePerIp']],
    [{ maxBodyBytes: 10 }, ['maxBodyBytes']],
    [{ authenticate: 'yes' }, ['authenticate']],
    [{ surprise: true }, ['surprise']],
  ] as const) {
    let error: unknown;
    try {
      createSupportApi(desk, options as never);
    } catch (caught) {
      error = caught;
    }
    expect(isTicketkitError(error, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
    expect((error as { issues: { path: unknown[] }[] }).issues[0]?.path.slice(0, path.length)).toEqual(path);
  }
});

test('the intake schema tells the widget the fields and their rules, custom fields, topics and departments', async () => {
  const { call } = await setup(
    { intake: { topics: [{ id: 'cards', label: 'Cards' }], departments: true }, honeypotField: 'homepage' },
    { fields: z.object({ accountId: z.string().max(20) }) },
  );
  const schema = await call('GET', '/intake-schema');
  expect(schema.status).toBe(200);
  const body = schema.json() as {
    fields: { properties: Record<string, { maxLength?: number; anyOf?: unknown[] }>; required: string[] };
    customFields: { properties: Record<string, { maxLength?: number }> };
  } & Record<string, unknown>;
  expect(body.fields.required).toEqual(['subject', 'body']);
  expect(body.fields.properties.subject?.maxLength).toBe(255);
  // The form sends the honeypot: the schema it checks against takes it, empty.
  expect(body.fields.properties.homepage).toMatchObject({ anyOf: [{ const: '' }, { type: 'null' }] });
  expect(body.customFields.properties.accountId?.maxLength).toBe(20);
  expect(body).toMatchObject({
    topics: [{ id: 'cards', label: 'Cards' }],
    departments: [{ id: 'help', name: 'Help Desk' }],
    honeypotField: 'homepage',
    maxBodyBytes: 1_048_576,
  });
});
