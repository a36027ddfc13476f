import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { SupportApi } from '../create-support-api.js';

/**
 * The API as a `node:http` request listener, for `createServer(...)` and
 * Express (`app.use('/support/api', toNodeHandler(api))` with the API's
 * `basePath` set to the same prefix — Express strips it, so mount at the root
 * or keep them in step).
 */
export function toNodeHandler(api: SupportApi): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return getRequestListener((request, env) => api.fetch(request, env)) as (
    request: IncomingMessage,
    response: ServerResponse,
  ) => Promise<void>;
}
