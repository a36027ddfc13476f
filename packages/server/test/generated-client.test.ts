import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createHelpDesk, type HelpDesk } from '@ticketkit/core';
import { createSupportApi, type SupportApi, toNodeHandler } from '@ticketkit/server';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openApiValidator } from './support/openapi-validator.js';

/**
 * A client generated from the live document with openapi-typescript (default
 * settings) and driven by openapi-fetch: the guide's example type-checks under
 * `strict` and plays a ticket's life against a server on 127.0.0.1 with
 * SQLite storage; calls the server refuses do not compile; and every answer
 * (and every body the server accepted) passes an independent validator of the
 * document (Ajv, JSON Schema 2020-12).
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const COOKIE = 'helpdesk_session';
const AGENT_HEADERS = { cookie: `${COOKIE}=agent:ann`, 'x-ticketkit-csrf': '1' };

let dir: string;
let desk: HelpDesk;
let api: SupportApi;
let server: Server;
let baseUrl: string;
const disagreements: string[] = [];

beforeAll(async () => {
  // Inside the repository, so openapi-fetch resolves from the workspace's node_modules.
  dir = await mkdtemp(join(here, '.generated-client-'));
  desk = await createHelpDesk({
    storage: sqliteStorage({ filename: join(dir, 'desk.db') }),
    intake: { defaultDepartmentId: 'help' },
    logger: { warn() {}, error() {} },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'ann', name: 'Ann', email: 'ann@bank.test', departmentIds: ['help'] });
  api = createSupportApi(desk, {
    // The host's session: a cookie naming the agent (a real app looks its session up).
    authenticate: (request) => {
      const match = new RegExp(`(?:^|; )${COOKIE}=agent:([a-z]+)`).exec(request.headers.get('cookie') ?? '');
      return match ? { type: 'agent', id: match[1] as string } : null;
    },
    sessionCookie: COOKIE,
    customerTokens: { secret: 'generated-client-test-secret-0123456789' },
    clientIp: (request) => request.headers.get('x-test-ip') ?? '127.0.0.1',
    rateLimits: { intakePerIp: { limit: 3, window: '1m' } },
  });
  const validator = openApiValidator(api.openApiDocument());
  // The validating proxy: every exchange is checked against the document as it passes.
  const validating: SupportApi = {
    ...api,
    fetch: async (request, env) => {
      const url = new URL(request.url);
      const sent = request.method === 'GET' ? '' : await request.clone().text();
      const response = await api.fetch(request, env);
      const text = await response.clone().text();
      disagreements.push(
        ...validator.check(
          { method: request.method, path: url.pathname, body: sent ? JSON.parse(sent) : undefined },
          response,
          text ? JSON.parse(text) : undefined,
        ),
      );
      return response;
    },
  };
  server = createServer(toNodeHandler(validating));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The types, generated from the document the running server serves.
  const document = await (await fetch(`${baseUrl}/openapi.json`)).json();
  await writeFile(join(dir, 'ticketkit-api.d.ts'), astToString(await openapiTS(document)));
  const guide = await readFile(new URL('../../../docs/guides/http-api.md', import.meta.url), 'utf8');
  const example = /<!-- typed-client-example -->\s*```ts\n([\s\S]*?)```/.exec(guide)?.[1];
  if (!example) throw new Error('docs/guides/http-api.md has no typed-client-example block');
  await writeFile(join(dir, 'lifecycle.ts'), example);
}, 60_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  await desk?.close();
  await rm(dir, { recursive: true, force: true });
});

const CALLS_HEADER = [
  "import createClient from 'openapi-fetch';",
  "import type { paths } from './ticketkit-api.js';",
  "const api = createClient<paths>({ baseUrl: 'http://127.0.0.1' });",
  "const ticket = { path: { ref: 'T-1' } };",
  "const text = { subject: 'Card blocked', body: 'It does not work.' };",
  "type Body = paths['/tickets']['post']['requestBody']['content']['application/json'];",
];

/** Calls the server accepts: each must compile. */
const RIGHT_CALLS = [
  "api.POST('/tickets', { body: { requester: { email: 'ken@example.com' }, ...text } });",
  "api.POST('/tickets', { body: { ...text, fields: { plan: 'gold', seats: 3, tags: ['a'], owner: { id: 7 } } } });",
  "api.POST('/tickets/{ref}/replies', { params: ticket, body: { cannedResponseId: 'thanks' } });",
  "api.POST('/tickets/{ref}/assign', { params: ticket, body: { teamId: 'cards' } });",
  "api.PATCH('/tickets/{ref}', { params: { ...ticket, header: { 'If-Match': '\"3\"' } }, body: { priority: 'high' } });",
  "api.GET('/search', { params: { query: { q: 'card', limit: 5 } } });",
  "api.POST('/tickets/{ref}/unassign', { params: ticket });",
  "const minimal: Body = { requester: { email: 'ken@example.com' }, ...text }; api.POST('/tickets', { body: minimal });",
];

/** Calls the server refuses, where the type system can say so: each must fail to compile. */
const WRONG_CALLS: Record<string, string> = {
  'a queue that does not exist': "api.GET('/queues/{name}', { params: { path: { name: 'inbox' } } });",
  'limit as a string': "api.GET('/queues/{name}', { params: { path: { name: 'all' }, query: { limit: '10' } } });",
  'an unknown query parameter': "api.GET('/queues/{name}', { params: { path: { name: 'all' }, query: { page: 2 } } });",
  'search without q': "api.GET('/search', { params: { query: { limit: 5 } } });",
  // openapi-fetch infers the init generically, so an inline body escapes excess-property checks: a typed body does not.
  'an unknown body field': "const form: Body = { ...text, colour: 'red' }; api.POST('/tickets', { body: form });",
  'intake without a subject': "api.POST('/tickets', { body: { body: 'It does not work.' } });",
  'a priority that does not exist': "api.POST('/tickets', { body: { ...text, priority: 'critical' } });",
  'the honeypot filled in': "api.POST('/tickets', { body: { ...text, website: 'http://spam.test' } });",
  'a requester without an email': "api.POST('/tickets', { body: { ...text, requester: { name: 'Ken' } } });",
  'a reply with neither body nor cannedResponseId': "api.POST('/tickets/{ref}/replies', { params: ticket, body: {} });",
  'an assignment naming nobody': "api.POST('/tickets/{ref}/assign', { params: ticket, body: { agentId: null } });",
  'a rating as a string': "api.POST('/tickets/{ref}/confirm', { params: ticket, body: { rating: '5' } });",
  'a note without its body': "api.POST('/tickets/{ref}/notes', { params: ticket, body: {} });",
  'a command without the ticket': "api.POST('/tickets/{ref}/resolve', { body: { resolutionNote: 'Done.' } });",
  'a route that does not exist': "api.POST('/tickets/{ref}/delete', { params: ticket });",
  'If-Match as a number': "api.POST('/tickets/{ref}/start', { params: { ...ticket, header: { 'If-Match': 3 } } });",
};

/** Type-checks the files under `strict` with the DOM's fetch types (what openapi-fetch runs on). */
function typeCheck(files: string[]): readonly ts.Diagnostic[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program);
}

const describeDiagnostic = (diagnostic: ts.Diagnostic) =>
  `${diagnostic.file?.fileName.split('/').pop()}:${
    diagnostic.file && diagnostic.start !== undefined
      ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
      : '?'
  } TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;

test('the generated client type-checks the guide’s lifecycle and the right calls, and refuses each wrong call', async () => {
  const calls = join(dir, 'calls.ts');
  const wrong = Object.entries(WRONG_CALLS);
  // One call per line: a diagnostic's line says which call it belongs to.
  await writeFile(
    calls,
    `${[...CALLS_HEADER, ...RIGHT_CALLS, ...wrong.map(([, call]) => call), 'export {};'].join('\n')}\n`,
  );
  const started = performance.now();
  const diagnostics = typeCheck([join(dir, 'lifecycle.ts'), calls]);
  console.info(`generated client: type-checked in ${Math.round(performance.now() - started)} ms`);
  const lineOf = (diagnostic: ts.Diagnostic) =>
    diagnostic.file && diagnostic.start !== undefined
      ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
      : -1;
  const firstWrong = CALLS_HEADER.length + RIGHT_CALLS.length;
  const unexpected = diagnostics.filter(
    (diagnostic) => !diagnostic.file?.fileName.endsWith('calls.ts') || lineOf(diagnostic) < firstWrong,
  );
  expect(unexpected.map(describeDiagnostic)).toEqual([]);
  const refused = new Set(diagnostics.map(lineOf));
  const compiled = wrong.filter((_, index) => !refused.has(firstWrong + index)).map(([name]) => name);
  expect(compiled, 'wrong calls that compiled').toEqual([]);
}, 60_000);

test('the guide’s lifecycle runs against a server on SQLite, and every exchange matches the document', async () => {
  const { ticketLifecycle } = (await import(/* @vite-ignore */ join(dir, 'lifecycle.ts'))) as {
    ticketLifecycle(baseUrl: string, agentHeaders: Record<string, string>): Promise<Record<string, unknown>>;
  };
  const result = await ticketLifecycle(baseUrl, AGENT_HEADERS);
  expect(result).toEqual({ number: expect.any(String), status: 'closed', inMyQueue: 1 });
  const ticket = await desk.tickets.get(result.number as string, { actor: { type: 'agent', id: 'ann' } });
  expect(ticket.feedback).toMatchObject({ rating: 5, comment: 'Quick, thanks!' });
  const thread = await desk.tickets.thread(ticket.id, { actor: { type: 'agent', id: 'ann' } });
  expect(thread.filter((entry) => entry.internal).length).toBeGreaterThanOrEqual(2); // the note and the resolution note
  expect(disagreements).toEqual([]);
});

test('refusals match the document too: their statuses, problem documents and headers are declared', async () => {
  const agent = { ...AGENT_HEADERS, 'content-type': 'application/json' };
  const call = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, init);
  const form = (email: string) =>
    JSON.stringify({ requester: { email }, subject: 'Statement', body: 'Where is my statement?' });

  const fraction = await call('/queues/all?limit=2.5', { headers: agent });
  expect(fraction.status).toBe(422);
  expect(((await fraction.json()) as { detail: string }).detail).toContain('limit: must be a whole number');
  expect((await call('/queues/all?page=2', { headers: agent })).status).toBe(422);
  expect((await call('/queues/inbox', { headers: agent })).status).toBe(404);
  const noWord = await call('/search?q=%21%21', { headers: agent });
  expect(((await noWord.json()) as { detail: string }).detail).toContain('q: must contain a word');
  const badToken = await call('/tickets/T-1', { headers: { authorization: 'Bearer nope' } });
  expect(badToken.status).toBe(401);
  expect(badToken.headers.get('www-authenticate')).toContain('Bearer');
  expect((await call('/tickets/T-1', { method: 'DELETE' })).headers.get('allow')).toBe('GET, PATCH');

  const opened = await call('/tickets', { method: 'POST', headers: agent, body: form('lea@example.com') });
  expect(opened.status).toBe(201);
  const { ticket } = (await opened.json()) as { ticket: { number: string } };
  expect(opened.headers.get('location')).toBe(`/tickets/${ticket.number}`);
  const stale = await call(`/tickets/${ticket.number}/notes`, {
    method: 'POST',
    headers: { ...agent, 'if-match': '"99"' },
    body: JSON.stringify({ body: 'Checked.' }),
  });
  expect(stale.status).toBe(409);
  const forged = await call(`/tickets/${ticket.number}/notes`, {
    method: 'POST',
    headers: { cookie: `${COOKIE}=agent:ann`, origin: 'https://evil.test', 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'Forged.' }),
  });
  expect(forged.status).toBe(403);
  expect((await call('/tickets', { method: 'POST', headers: agent, body: form('x'), redirect: 'manual' })).status).toBe(
    422,
  );
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const response = await call('/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-ip': '192.0.2.7' },
      body: form(`ip${attempt}@example.com`),
    });
    statuses.push(response.status);
    if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }
  expect(statuses).toEqual([201, 201, 201, 429]);
  expect(disagreements).toEqual([]);
});

test('the document names the configured session cookie, and defaults to `session`', async () => {
  const schemes = (document: Record<string, unknown>) =>
    (document.components as { securitySchemes: Record<string, { name?: string }> }).securitySchemes;
  expect(schemes(api.openApiDocument()).session?.name).toBe(COOKIE);
  expect(schemes(createSupportApi(desk).openApiDocument()).session?.name).toBe('session');
  expect(() => createSupportApi(desk, { sessionCookie: 'my session' })).toThrow(/sessionCookie/);
});
