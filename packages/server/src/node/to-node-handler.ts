import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { SupportApi } from '../create-support-api.js';

/**
 * The API as a `node:http` request listener, for `createServer(...)` and
 * Express. Under Express, mount it at the API's `basePath`
 * (`app.use('/support/api', toNodeHandler(api))`): Express strips the mount
 * path from `req.url`, so the handler reads `req.originalUrl` instead and the
 * API sees the whole path.
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
    const original = (request as IncomingMessage & { originalUrl?: string }).originalUrl;
    if (typeof original === 'string') request.url = original;
    return listener(request, response) as Promise<void>;
  };
}
