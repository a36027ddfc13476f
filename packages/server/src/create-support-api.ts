import type { HelpDesk } from '@ticketkit/core';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { rateLimit } from './abuse/enforce-rate-limit.js';
import { EventHub } from './events/event-hub.js';
import { basePathHint } from './http/base-path-hint.js';
import { csrfCheck } from './http/csrf.js';
import { errorResponse, HttpProblem } from './http/problem.js';
import { readJson } from './http/read-json.js';
import { identify } from './identity/identify.js';
import { openApiDocument } from './openapi/document.js';
import { resolveOptions, type SupportApiOptions } from './options.js';
import { cannedRoutes } from './routes/canned-routes.js';
import { deliveryRoutes } from './routes/delivery-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { inboundEmailRoute } from './routes/inbound-email.js';
import { intakeRoute } from './routes/intake.js';
import { listRoutes } from './routes/list-routes.js';
import { metaRoutes } from './routes/meta-routes.js';
import { type Access, checkAccess, type RouteSpec } from './routes/route.js';
import { ticketRoutes } from './routes/ticket-routes.js';

/** One route of the API, as the authorization table lists it. */
export interface RouteInfo {
  /** `GET`, `POST` or `PATCH`. */
  method: RouteSpec['method'];
  /** The path below the base path, e.g. `/tickets/:ref/replies`. */
  path: string;
  /** Who may call it before the desk authorizes the command itself. */
  access: Access;
  /** What it does. */
  summary: string;
}

/** The HTTP API of a desk: a web-standard fetch handler. */
export interface SupportApi {
  /**
   * Answers one request. Mount it wherever `fetch` handlers run (Hono, Next.js
   * route handlers, Deno, Bun), or in `node:http` and Express with
   * `toNodeHandler(api)`. `env` is passed on to Hono (the Node adapter puts the
   * socket there, for the client's IP).
   */
  fetch(request: Request, env?: unknown): Promise<Response>;
  /** The OpenAPI 3.1 document (also served at `GET /openapi.json`). */
  openApiDocument(): Record<string, unknown>;
  /** Every route with who may call it: the authorization table. */
  readonly routes: readonly RouteInfo[];
  /** The path prefix of every route (`basePath` option; `''` for none). */
  readonly basePath: string;
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** Whether a request carries no body at all (commands without input may be sent so). */
function hasNoBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  return (
    request.headers.get('content-type') === null &&
    request.headers.get('transfer-encoding') === null &&
    (length === null || length === '0')
  );
}

/** The socket's address when running under `toNodeHandler` (@hono/node-server puts `incoming` in env). */
function socketAddress(env: unknown): string | null {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}

/**
 * Creates the HTTP API of a help desk (DESIGN §4): intake for anyone, the
 * ticket view for its requester (signed in, or with the access token intake
 * returned) and for agents, and the agents' queues, commands, search and
 * directory. Every error is an RFC 9457 problem document.
 *
 * Secure by default: the desk authorizes every command; bodies are limited in
 * size and depth and must be JSON; intake is rate limited per IP and per
 * email and has a honeypot; cookie-authenticated changes must come from an
 * allowed origin; CORS is off until you list origins.
 *
 * @example
 * ```ts
 * const api = createSupportApi(desk, {
 *   authenticate: async (request) => sessionUser(request), // your session: { type: 'agent', id } or { type: 'customer', email }
 *   customerTokens: { secret: process.env.TICKETKIT_TOKEN_SECRET },
 *   basePath: '/support/api',
 * });
 * createServer(toNodeHandler(api)).listen(3000, '127.0.0.1');
 * ```
 */
export function createSupportApi(desk: HelpDesk, options: SupportApiOptions = {}): SupportApi {
  const settings = resolveOptions(options);
  let document: Record<string, unknown> | undefined;
  const openApi = () => {
    document ??= openApiDocument(routes, settings);
    return document;
  };
  const hub = new EventHub(desk, options.events);
  const routes: RouteSpec[] = [
    intakeRoute,
    ...ticketRoutes,
    ...listRoutes,
    ...deliveryRoutes,
    ...metaRoutes(openApi),
    ...eventRoutes(hub),
    ...cannedRoutes,
    ...(options.inboundEmail ? [inboundEmailRoute(options.inboundEmail)] : []),
  ];
  const limits = {
    maxBodyBytes: settings.maxBodyBytes,
    maxJsonDepth: settings.maxJsonDepth,
    bodyTimeoutMs: settings.bodyTimeoutMs,
  };

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    // On the response itself: c.header() after the handler wraps the finished response's body in a new
    // one as a stream, which @hono/node-server then reads back chunk by chunk instead of writing the string.
    const headers = c.res.headers;
    headers.set('x-content-type-options', 'nosniff');
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-store');
  });
  if (settings.cors) {
    const allowed = new Set(settings.cors.origins);
    app.use(
      '*',
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        credentials: settings.cors.credentials,
        maxAge: settings.cors.maxAgeSeconds,
        allowMethods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-ticketkit-csrf'],
        exposeHeaders: ['etag', 'location', 'retry-after'],
      }),
    );
  }

  for (const route of routes) {
    app.on(route.method, `${settings.basePath}${route.path}`, async (c) => {
      const request = c.req.raw;
      if (UNSAFE.has(request.method)) csrfCheck(request, settings);
      const clientIp = settings.clientIp ? settings.clientIp(request) : socketAddress(c.env);
      const identity = route.ownAuthentication
        ? ({ kind: 'anonymous' } as const)
        : await identify(request, desk, settings, async () => {
            if (settings.tokenPerIp && clientIp) await rateLimit(settings, 'token:ip', clientIp, settings.tokenPerIp);
          });
      if (identity.kind === 'token' && settings.tokenPerTicket) {
        await rateLimit(
          settings,
          'token:ticket',
          identity.ticket.id,
          settings.tokenPerTicket,
          'Too many requests with this ticket’s access token',
        );
      }
      const params = c.req.param() as Record<string, string>;
      checkAccess(route.access, identity, params);
      return route.handle({
        request,
        params,
        query: new URL(request.url).searchParams,
        desk,
        options: settings,
        identity,
        clientIp,
        body: async () => {
          if (request.method === 'GET') return undefined;
          if (!route.bodyRequired && hasNoBody(request)) return {};
          return readJson(request, limits);
        },
      });
    });
  }

  // 405 with Allow for a known path and another method; 404 otherwise. Routes match strictly, so a path with a
  // trailing slash is no known path: matching it here answered `POST /tickets/` with 405 and `Allow: POST`.
  const patterns = routes.map((route) => ({
    method: route.method,
    pattern: new RegExp(`^${settings.basePath}${route.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
  }));
  const routePaths = [...new Set(routes.map((route) => route.path))];
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = patterns.filter((route) => route.pattern.test(path)).map((route) => route.method);
    if (allowed.length) {
      return errorResponse(
        new HttpProblem('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`, {}, { allow: allowed.join(', ') }),
      );
    }
    const hint = basePathHint(path, settings.basePath, routePaths);
    return errorResponse(new HttpProblem('ROUTE_NOT_FOUND', `No route ${c.req.method} ${path}${hint}`));
  });
  app.onError((error, c) => {
    const response = errorResponse(error);
    if (response.status >= 500) settings.onError(error, c.req.raw);
    return response;
  });

  return {
    fetch: async (request, env) => app.fetch(request, env),
    openApiDocument: openApi,
    routes: routes.map(({ method, path, access, summary }) => ({ method, path, access, summary })),
    basePath: settings.basePath,
  };
}
