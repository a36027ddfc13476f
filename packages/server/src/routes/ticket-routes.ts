import {
  type Actor,
  auditEventSchema,
  closeInputSchema,
  emptyInputSchema,
  type HelpDesk,
  isTicketkitError,
  noteInputSchema,
  replyInputSchema,
  type Ticket,
  threadEntrySchema,
} from '@ticketkit/core';
import * as z from 'zod';
import { HttpProblem } from '../http/problem.js';
import { agentTicketSchema, ticketBody } from '../views/agent-ticket.js';
import { customerTicketSchema } from '../views/ticket-views.js';
import { applyIdempotencyKey, idempotencyMismatch } from './idempotency-key.js';
import {
  assignBody,
  confirmBody,
  feedbackBody,
  idempotencyKeySchema,
  noteBody,
  reopenBody,
  replyBody,
  resolveBody,
  textBody,
  transferBody,
  updateBody,
} from './request-bodies.js';
import { type Access, etagOf, json, type RouteContext, type RouteSpec } from './route.js';

const anyTicket = z.union([agentTicketSchema, customerTicketSchema]);
const IF_MATCH = /^(?:W\/)?"(\d{1,12})"$/;

const ifMatchHeader = {
  name: 'If-Match',
  description:
    'The ticket’s ETag as you last saw it: the change is refused with 409 if it has moved on (for a customer: if what they can see of it has).',
  schema: z.string().regex(/^(?:W\/)?"(?!0+")\d{1,12}"$/),
};
const etagHeader = {
  name: 'ETag',
  description:
    'The ticket’s validator as you see it: for agents its version; for customers a digest of their view and the public thread, which internal notes and assignments do not move.',
};

/** The actor of a request that passed its access check. */
function actorOf(context: RouteContext): Actor {
  if (context.identity.kind === 'anonymous') throw new Error('checkAccess admits no anonymous caller here');
  return context.identity.actor;
}

/** `If-Match: "7"` → 7. */
function ifMatch(request: Request): number | undefined {
  const header = request.headers.get('if-match');
  if (header === null) return undefined;
  const value = Number(IF_MATCH.exec(header.trim())?.[1]);
  // Versions start at 1: `"0"` is no ETag the API ever sent (and the desk would name it `options.expectedVersion`).
  if (!(value >= 1)) {
    throw new HttpProblem('VALIDATION_FAILED', 'If-Match: must be the ticket’s ETag, e.g. "7"', {
      errors: [{ pointer: '', path: ['If-Match'], message: 'must be the ticket’s ETag, e.g. "7"' }],
    });
  }
  return value;
}

/**
 * The version a command expects, from `If-Match`. An agent's ETag is the
 * version itself. A customer's is a digest of their view (see `etagOf`): it
 * is compared with the ticket as it is now, and the command then expects
 * that version — a change the customer cannot see landing in between is
 * still a 409, and their retry with the same ETag passes.
 */
async function expectedVersion(
  context: RouteContext,
  keyed: boolean,
): Promise<{ expected: number; staleFor?: string } | undefined> {
  const value = ifMatch(context.request);
  if (value === undefined) return undefined;
  if (actorOf(context).type !== 'customer') return { expected: value };
  const ticket = await context.desk.tickets.get(context.params.ref ?? '', { actor: actorOf(context) });
  if ((await etagOf(context, ticket)) === `"${value}"`) return { expected: ticket.version };
  // A retry of a keyed request whose first attempt moved the ticket on: the desk answers it from the key, which it
  // checks before the version. Any other request is still refused, by a version no ticket reaches.
  if (keyed) return { expected: Number.MAX_SAFE_INTEGER, staleFor: ticket.number };
  throw staleForCustomer(ticket.number);
}

/** The customer's 409: their view changed; the version, which internal activity moves, is not shown. */
const staleForCustomer = (number: string) =>
  new HttpProblem('CONFLICT', `Ticket ${number} has changed since you read it: read it again`);

type CommandName =
  | 'reply'
  | 'confirmResolution'
  | 'reopen'
  | 'feedback'
  | 'note'
  | 'assign'
  | 'unassign'
  | 'transfer'
  | 'startWork'
  | 'requestInfo'
  | 'resolve'
  | 'close'
  | 'update';

/** How a command route takes an `Idempotency-Key`: the desk's schema of its input, with the API's rule for the key. */
interface Idempotent {
  schema: z.ZodType;
  /** What the request makes, for messages: "a new reply". */
  what: string;
}

const idempotencyKeyHeader = (what: string) => ({
  name: 'Idempotency-Key',
  description:
    `A random key per request (16+ characters, e.g. a UUID): a retry with the same key and body, by the same caller, within the desk’s \`intake.idempotencyKeyTtl\` (24 hours by default), writes nothing and answers with the ticket as it is now, even when its \`If-Match\` is stale by then; the same key with a different body is refused (422). ` +
    `Keys are scoped to the caller, so another caller’s key never answers yours. Use a new key for ${what}.`,
  schema: idempotencyKeySchema,
});

/** A route that runs one ticket command with the JSON body as its input. */
function commandRoute(spec: {
  method?: 'POST' | 'PATCH';
  path: string;
  command: CommandName;
  summary: string;
  access: Access;
  body: z.ZodType;
  bodyRequired: boolean;
  idempotent?: Idempotent;
}): RouteSpec {
  const { idempotent } = spec;
  return {
    method: spec.method ?? 'POST',
    path: spec.path,
    operationId: spec.command,
    summary: spec.summary,
    access: spec.access,
    body: spec.body,
    bodyRequired: spec.bodyRequired,
    headers: idempotent ? [ifMatchHeader, idempotencyKeyHeader(idempotent.what)] : [ifMatchHeader],
    responses: { 200: { description: 'The ticket as committed.', schema: anyTicket, headers: [etagHeader] } },
    async handle(context) {
      const input = await context.body();
      // A body that is not an object is the desk's to refuse, naming it.
      const fields = typeof input === 'object' && input !== null && !Array.isArray(input) ? input : null;
      const keyed =
        idempotent !== undefined &&
        fields !== null &&
        applyIdempotencyKey(
          context.request,
          context.identity,
          fields as Record<string, unknown>,
          idempotent.schema,
          `${spec.command} input`,
        );
      const version = await expectedVersion(context, keyed);
      const run = context.desk.tickets[spec.command] as HelpDesk['tickets']['note'];
      const ticket = await run(context.params.ref ?? '', input as never, {
        actor: actorOf(context),
        ...(version === undefined ? {} : { expectedVersion: version.expected }),
      }).catch((error: unknown) => {
        if (version?.staleFor && isTicketkitError(error, 'CONFLICT')) throw staleForCustomer(version.staleFor);
        return idempotencyMismatch(error, idempotent?.what ?? 'a new request');
      });
      return ticketResponse(ticket, context);
    },
  };
}

const ticketResponse = async (ticket: Ticket, context: RouteContext) =>
  json(200, await ticketBody(context, ticket), { etag: await etagOf(context, ticket) });

/** The ticket routes: reading a ticket and every command on it. */
export const ticketRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/tickets/:ref',
    operationId: 'getTicket',
    summary: 'One ticket, by id or number: all of it for agents, the customer view for its requester.',
    access: 'ticket',
    responses: { 200: { description: 'The ticket.', schema: anyTicket, headers: [etagHeader] } },
    async handle(context) {
      return ticketResponse(
        await context.desk.tickets.get(context.params.ref ?? '', { actor: actorOf(context) }),
        context,
      );
    },
  },
  {
    method: 'GET',
    path: '/tickets/:ref/thread',
    operationId: 'getThread',
    summary: 'The conversation, oldest first; customers never see internal notes and events.',
    access: 'ticket',
    responses: { 200: { description: 'The thread.', schema: z.object({ items: z.array(threadEntrySchema) }) } },
    async handle(context) {
      const items = await context.desk.tickets.thread(context.params.ref ?? '', { actor: actorOf(context) });
      return json(200, { items });
    },
  },
  {
    method: 'GET',
    path: '/tickets/:ref/history',
    operationId: 'getHistory',
    summary: 'The audit history: every change with its actor, the state before and after, and what changed.',
    access: 'agent',
    responses: { 200: { description: 'The history.', schema: z.object({ items: z.array(auditEventSchema) }) } },
    async handle(context) {
      const items = await context.desk.tickets.history(context.params.ref ?? '', { actor: actorOf(context) });
      return json(200, { items });
    },
  },
  commandRoute({
    path: '/tickets/:ref/replies',
    command: 'reply',
    summary:
      'A public message: an agent’s reply (the customer is notified, `cannedResponseId` fills in a canned response) or the customer’s answer (back to work; reopens a resolved ticket).',
    access: 'ticket',
    body: replyBody,
    bodyRequired: true,
    idempotent: {
      schema: replyInputSchema.safeExtend({ idempotencyKey: idempotencyKeySchema.optional() }),
      what: 'a new reply',
    },
  }),
  commandRoute({
    path: '/tickets/:ref/confirm',
    command: 'confirmResolution',
    summary: 'The customer confirms the resolution, with an optional rating and comment: the ticket closes.',
    access: 'ticket',
    body: confirmBody,
    bodyRequired: false,
  }),
  commandRoute({
    path: '/tickets/:ref/reopen',
    command: 'reopen',
    summary: 'Sends a resolved or closed ticket back to work.',
    access: 'ticket',
    body: reopenBody,
    bodyRequired: false,
  }),
  commandRoute({
    path: '/tickets/:ref/feedback',
    command: 'feedback',
    summary: 'The customer rates a ticket closed without their confirmation.',
    access: 'ticket',
    body: feedbackBody,
    bodyRequired: true,
  }),
  commandRoute({
    path: '/tickets/:ref/notes',
    command: 'note',
    summary: 'An internal note, for agents only.',
    access: 'agent',
    body: noteBody,
    bodyRequired: true,
    idempotent: {
      schema: noteInputSchema.extend({ idempotencyKey: idempotencyKeySchema.optional() }),
      what: 'a new note',
    },
  }),
  commandRoute({
    path: '/tickets/:ref/assign',
    command: 'assign',
    summary: 'Gives the ticket to an agent and/or a team of its department.',
    access: 'agent',
    body: assignBody,
    bodyRequired: true,
  }),
  commandRoute({
    path: '/tickets/:ref/unassign',
    command: 'unassign',
    summary: 'Takes the ticket from its agent and team.',
    access: 'agent',
    body: emptyInputSchema,
    bodyRequired: false,
  }),
  commandRoute({
    path: '/tickets/:ref/transfer',
    command: 'transfer',
    summary: 'Moves the ticket to another department (and team or agent), with a note for the colleagues there.',
    access: 'agent',
    body: transferBody,
    bodyRequired: true,
  }),
  commandRoute({
    path: '/tickets/:ref/start',
    command: 'startWork',
    summary: 'Moves an assigned ticket to in progress.',
    access: 'agent',
    body: emptyInputSchema,
    bodyRequired: false,
  }),
  commandRoute({
    path: '/tickets/:ref/request-info',
    command: 'requestInfo',
    summary: 'Asks the customer for information: a public reply, and the ticket awaits the customer.',
    access: 'agent',
    body: textBody,
    bodyRequired: true,
  }),
  commandRoute({
    path: '/tickets/:ref/resolve',
    command: 'resolve',
    summary: 'Resolves the ticket with a resolution note (internal) and an optional final reply.',
    access: 'agent',
    body: resolveBody,
    bodyRequired: true,
  }),
  commandRoute({
    path: '/tickets/:ref/close',
    command: 'close',
    summary:
      'Closes a resolved ticket (409 CONFIRMATION_REQUIRED while the customer has to confirm; admins may force).',
    access: 'agent',
    body: closeInputSchema,
    bodyRequired: false,
  }),
  commandRoute({
    method: 'PATCH',
    path: '/tickets/:ref',
    command: 'update',
    summary: 'Changes priority, SLA plan, subject, custom fields or custom status.',
    access: 'agent',
    body: updateBody,
    bodyRequired: true,
  }),
];
