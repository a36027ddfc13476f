import { bearerToken } from '../identity/identify.js';
import type { ResolvedOptions } from '../options.js';
import { HttpProblem } from './problem.js';

/**
 * Refuses a cross-site forgery of a cookie-authenticated change. A request
 * that carries cookies and no Bearer token changes something only when it
 * comes from this origin or an allowed one (`Origin`, or
 * `Sec-Fetch-Site: same-origin`), or carries the `X-Ticketkit-CSRF` header,
 * which a browser never sends cross-site without a CORS preflight the API
 * would refuse. Requests without cookies (server to server), or with a
 * Bearer token, cannot be forged by a browser and pass; Basic credentials
 * can (a browser sends them along on its own), so they do not exempt a request.
 */
export function csrfCheck(request: Request, options: ResolvedOptions): void {
  // Only a Bearer header proves a non-simple request: a browser sends cached Basic credentials cross-site on its own.
  if (!request.headers.has('cookie') || bearerToken(request) !== null) return;
  if (request.headers.has('x-ticketkit-csrf')) return;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin === new URL(request.url).origin || options.cors?.origins.includes(origin)) return;
    throw new HttpProblem('CSRF_REJECTED', `A change from ${origin} with this site's cookies was refused`);
  }
  if (request.headers.get('sec-fetch-site') === 'same-origin') return;
  throw new HttpProblem(
    'CSRF_REJECTED',
    'A cookie-authenticated change needs an Origin header from an allowed origin, or the X-Ticketkit-CSRF header',
  );
}
