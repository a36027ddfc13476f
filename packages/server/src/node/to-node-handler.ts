import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { SupportApi } from '../create-support-api.js';
import { type Problem, problem } from '../http/problem.js';

/** The fields Express adds to a Node request. */
type ExpressRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string; _body?: boolean };

/**
 * A mount the API cannot serve: Express strips its mount path, and the API matches the whole path, so the mount
 * path must lie within `basePath` (`app.use('/support/api', …)` with `basePath: '/support/api'`). Without it
 * every request would be a bare 404.
 */
function mountMistake(request: ExpressRequest, basePath: string): string | null {
  const mount = request.baseUrl;
  if (!mount || mount === basePath || basePath.startsWith(`${mount}/`)) return null;
  return `toNodeHandler(api) is mounted at ${mount}, but the API's basePath is ${basePath === '' ? 'not set' : `'${basePath}'`}: pass createSupportApi(desk, { basePath: '${mount}' })`;
}

/**
 * A body another middleware read first (Express's `express.json()` before the API): the stream is spent, so the
 * API would see an empty body and answer as if the client had sent none.
 */
function bodyMistake(request: ExpressRequest): string | null {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
  if (!hasBody || !(request.readableEnded || request._body === true)) return null;
  return 'The request body was read before the help desk got it: mount toNodeHandler(api) before express.json() or any other body parser (the API reads its own bodies, with its own limits)';
}

function answer(response: ServerResponse, doc: Problem): void {
  response.writeHead(doc.status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(doc));
}

/**
 * The API as a `node:http` request listener, for `createServer(...)` and
 * Express. Under Express, mount it at the API's `basePath`
 * (`app.use('/support/api', toNodeHandler(api))`) and before any body parser:
 * Express strips the mount path from `req.url`, so the handler reads
 * `req.originalUrl` instead and the API sees the whole path. A mount outside
 * the `basePath`, or a body a parser has already read, is answered with a 500
 * problem whose detail names the fix.
 *
 * The API bounds the time a body takes to arrive (`bodyTimeout`); bound the
 * rest on your server, whose defaults hold a slow client for up to 300 s:
 * `server.headersTimeout = 10_000` (the request head), `server.requestTimeout
 * = 30_000` (the whole request, a backstop above `bodyTimeout`) and
 * `server.keepAliveTimeout = 5_000` (idle kept-alive connections; below your
 * load balancer's idle timeout).
 */
export function toNodeHandler(api: SupportApi): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const listener = getRequestListener((request, env) => api.fetch(request, env));
  return (request, response) => {
    const express = request as ExpressRequest;
    const mistake = mountMistake(express, api.basePath) ?? bodyMistake(express);
    if (mistake) {
      answer(response, problem('INTERNAL_ERROR', mistake));
      return Promise.resolve();
    }
    if (typeof express.originalUrl === 'string') request.url = express.originalUrl;
    return listener(request, response) as Promise<void>;
  };
}
