/**
 * Who may do what over HTTP: every route × every kind of caller, with the
 * status each gets. The authorization test runs this table against a real
 * desk, and docs/guides/http-api.md prints it (`npm run diagram` writes it;
 * the test suite fails when the printed copy is stale) — one table, tested
 * and documented.
 */

/** The callers of the matrix. */
export const CALLERS = [
  'anonymous',
  'requester',
  'requester (token)',
  'another customer',
  'another customer (token)',
  'agent of the department',
  'agent of another department',
  'admin',
] as const;

/** One of {@link CALLERS}. */
export type Caller = (typeof CALLERS)[number];

/** What state the ticket is brought to before the request. */
export type Setup = 'open' | 'assigned' | 'resolved' | 'closed';

/** One route of the matrix. */
export interface MatrixRow {
  method: 'GET' | 'POST' | 'PATCH';
  /** The path, `{ref}` standing for the ticket's number. */
  path: string;
  /** The ticket's state before the request. */
  setup: Setup;
  /** The JSON body, if any. */
  body?: Record<string, unknown>;
  /** The expected status per caller. */
  expected: Record<Caller, number>;
  /** Why some cells are what they are. */
  note?: string;
}

const row = (
  method: MatrixRow['method'],
  path: string,
  setup: Setup,
  body: Record<string, unknown> | undefined,
  statuses: [number, number, number, number, number, number, number, number],
  note?: string,
): MatrixRow => ({
  method,
  path,
  setup,
  ...(body ? { body } : {}),
  expected: Object.fromEntries(CALLERS.map((caller, index) => [caller, statuses[index] as number])) as Record<
    Caller,
    number
  >,
  ...(note ? { note } : {}),
});

// Columns:       anon requester token other otherTok agent otherDept admin
export const AUTHORIZATION_MATRIX: MatrixRow[] = [
  row(
    'POST',
    '/tickets',
    'open',
    { subject: 'Card blocked', body: 'It does not work abroad.', departmentId: 'help' },
    [201, 201, 201, 201, 201, 201, 403, 201],
    'anyone may open a ticket (a token caller counts as anonymous); an agent only in their own departments',
  ),
  row('GET', '/tickets/{ref}', 'open', undefined, [401, 200, 200, 404, 404, 200, 403, 200]),
  row('GET', '/tickets/{ref}/thread', 'open', undefined, [401, 200, 200, 404, 404, 200, 403, 200]),
  row('GET', '/tickets/{ref}/history', 'open', undefined, [401, 403, 403, 403, 403, 200, 403, 200]),
  row('POST', '/tickets/{ref}/replies', 'open', { body: 'Any news?' }, [401, 200, 200, 404, 404, 200, 403, 200]),
  row(
    'POST',
    '/tickets/{ref}/confirm',
    'resolved',
    { rating: 5 },
    [401, 200, 200, 404, 404, 403, 403, 403],
    'only the requester confirms a resolution',
  ),
  row(
    'POST',
    '/tickets/{ref}/reopen',
    'resolved',
    { reason: 'Still broken' },
    [401, 200, 200, 404, 404, 200, 403, 200],
  ),
  row(
    'POST',
    '/tickets/{ref}/feedback',
    'closed',
    { rating: 4 },
    [401, 200, 200, 404, 404, 403, 403, 403],
    'only the requester rates a ticket',
  ),
  row('POST', '/tickets/{ref}/notes', 'open', { body: 'Internal' }, [401, 403, 403, 403, 403, 200, 403, 200]),
  row('POST', '/tickets/{ref}/assign', 'open', { agentId: 'ann' }, [401, 403, 403, 403, 403, 200, 403, 200]),
  row('POST', '/tickets/{ref}/unassign', 'assigned', undefined, [401, 403, 403, 403, 403, 200, 403, 200]),
  row(
    'POST',
    '/tickets/{ref}/transfer',
    'open',
    { departmentId: 'l2', note: 'Over to you' },
    [401, 403, 403, 403, 403, 200, 403, 200],
  ),
  row('POST', '/tickets/{ref}/start', 'assigned', undefined, [401, 403, 403, 403, 403, 200, 403, 200]),
  row('POST', '/tickets/{ref}/request-info', 'open', { body: 'Which card?' }, [401, 403, 403, 403, 403, 200, 403, 200]),
  row(
    'POST',
    '/tickets/{ref}/resolve',
    'open',
    { resolutionNote: 'Unblocked' },
    [401, 403, 403, 403, 403, 200, 403, 200],
  ),
  row(
    'POST',
    '/tickets/{ref}/close',
    'resolved',
    { force: true },
    [401, 403, 403, 403, 403, 409, 403, 200],
    'closing before the customer confirms is CONFIRMATION_REQUIRED (409); an admin may force it',
  ),
  row('PATCH', '/tickets/{ref}', 'open', { priority: 'high' }, [401, 403, 403, 403, 403, 200, 403, 200]),
  row(
    'GET',
    '/queues',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 200, 200],
    "every agent sees their own departments' counts",
  ),
  row(
    'GET',
    '/queues?by=department',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 200, 200],
    'counts per department: a row for each of the agent’s own departments (admins: every department)',
  ),
  row('GET', '/queues/open', 'open', undefined, [401, 403, 403, 403, 403, 200, 200, 200]),
  row(
    'GET',
    '/queues/open?departmentId=help',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 403, 200],
    'a queue narrowed to a department the agent does not work in is FORBIDDEN',
  ),
  row('GET', '/search?q=card', 'open', undefined, [401, 403, 403, 403, 403, 200, 200, 200]),
  row(
    'GET',
    '/me/tickets',
    'open',
    undefined,
    [401, 200, 200, 200, 200, 403, 403, 403],
    'a customer lists their own requests; a token lists its one ticket',
  ),
  row('GET', '/directory', 'open', undefined, [401, 403, 403, 403, 403, 200, 200, 200]),
  row(
    'GET',
    '/deliveries',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 403, 403, 200],
    'the delivery log spans every department: admins only',
  ),
  row(
    'GET',
    '/tickets/{ref}/deliveries',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 403, 200],
    "a ticket's notifications: the agents who may see the ticket",
  ),
  row(
    'GET',
    '/tickets/{ref}/canned-responses/greeting',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 403, 200],
    'a canned response filled in for the ticket: agents who may act on it',
  ),
  row(
    'GET',
    '/events',
    'open',
    undefined,
    [401, 403, 403, 403, 403, 200, 200, 200],
    'every agent may listen; each receives only the events of tickets they may see',
  ),
  row('GET', '/intake-schema', 'open', undefined, [200, 200, 200, 200, 200, 200, 200, 200]),
  row('GET', '/openapi.json', 'open', undefined, [200, 200, 200, 200, 200, 200, 200, 200]),
];

/** The matrix as a Markdown table, for the HTTP API guide. */
export function renderAuthorizationTable(): string {
  const header = `| route | ${CALLERS.join(' | ')} |`;
  const rule = `|---|${CALLERS.map(() => '---').join('|')}|`;
  const lines = AUTHORIZATION_MATRIX.map(
    (entry) => `| \`${entry.method} ${entry.path}\` | ${CALLERS.map((caller) => entry.expected[caller]).join(' | ')} |`,
  );
  const notes = AUTHORIZATION_MATRIX.filter((entry) => entry.note).map(
    (entry) => `- \`${entry.method} ${entry.path}\`: ${entry.note}.`,
  );
  return [header, rule, ...lines, '', ...notes].join('\n');
}
