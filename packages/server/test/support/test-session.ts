import type { Actor } from '@ticketkit/core';

/**
 * The host's session in the route tests, read from a test header:
 * `x-test-session: agent:<id>` or `customer:<email>`; none is anonymous.
 */
export function testSession(request: Request): Actor | null {
  const who = request.headers.get('x-test-session');
  if (!who) return null;
  const [kind, value] = who.split(':') as [string, string];
  return kind === 'agent' ? { type: 'agent', id: value } : { type: 'customer', email: value };
}
