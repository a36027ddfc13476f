import * as z from 'zod';
import { draftAccessToken, type IssuedAccessToken, storeAccessToken } from '../access/access-tokens.js';
import type { DeskContext } from '../desk/desk-context.js';
import { isTicketkitError, TicketkitError, validationError } from '../errors/ticketkit-error.js';
import { newId } from '../internal/ids.js';
import { INITIAL_LIFECYCLE_STATE } from '../lifecycle/lifecycle.js';
import { planNotifications } from '../notify/plan-notifications.js';
import type { Actor } from '../schemas/actor.js';
import type { AuditEvent } from '../schemas/audit.js';
import { openTicketInputSchema, queryOptionsSchema } from '../schemas/commands.js';
import { parseInput } from '../schemas/parse.js';
import { durationSchema } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { CommandInputs } from '../sdk/plugin.js';
import { defaultPlanFor, scheduleTicket } from '../sla/sla-service.js';
import type { Duration } from '../time/duration.js';
import { type ResolvedActor, resolveActor, worksIn } from './access.js';
import { fitsFieldLimits, validateCustomFields } from './custom-fields.js';
import { idempotencyWrite, type PendingIdempotency, pendingIdempotency, raceWinner, replayOf } from './idempotency.js';
import { requireDepartment } from './references.js';

// Random numbers collide rarely; ten collisions in a row mean the mask is too small for the desk.
const NUMBER_ATTEMPTS = 10;

function requesterFor(who: ResolvedActor, input: CommandInputs['open']) {
  if (who.kind === 'customer') {
    if (input.requester && input.requester.email !== who.email) {
      throw validationError(
        [{ path: ['requester', 'email'], message: "must be the signed-in customer's own email" }],
        'open input',
      );
    }
    const name = input.requester?.name ?? (who.actor.type === 'customer' ? who.actor.name : undefined);
    return { email: who.email, name: name ?? null };
  }
  if (!input.requester) {
    throw validationError(
      [{ path: ['requester'], message: 'is required when an agent or the system opens a ticket' }],
      'open input',
    );
  }
  return { email: input.requester.email, name: input.requester.name ?? null };
}

/** The access token to issue with the ticket (`desk.tickets.openWithAccessToken`). */
export interface OpenAccessToken {
  /** Makes the token from the new ticket's id (e.g. an HMAC under your secret); without it, 256 random bits. */
  derive?: (ticketId: string) => string | Promise<string>;
  /** How long it works; `null` for as long as it is not revoked. */
  expiresIn: Duration | null;
}

interface OpenExtras {
  followUpOf?: Ticket;
  accessToken?: OpenAccessToken;
  /** Called once the request is checked, before a new ticket is committed (never for a replay); throws to refuse it. */
  admit?: () => void | Promise<void>;
  /**
   * The key of the command that opens this ticket instead of `input.idempotencyKey`: a customer's reply that
   * starts a follow-up remembers the reply's key with the new ticket, so a repeat of the reply finds it.
   */
  idempotency?: PendingIdempotency;
}

/** What opening a ticket gives: the ticket, and its access token when one was asked for. */
export interface OpenResult {
  ticket: Ticket;
  accessToken: IssuedAccessToken | null;
}

async function drafted(wanted: OpenAccessToken, ticketId: string, at: Date) {
  const token = wanted.derive ? await wanted.derive(ticketId) : undefined;
  return draftAccessToken(ticketId, token, wanted.expiresIn, at, ['options', 'accessToken', 'derive']);
}

/** A retry found the ticket its key opened: the token goes with it (the same one, when derived). */
async function replayed(desk: DeskContext, ticket: Ticket, extras: OpenExtras): Promise<OpenResult> {
  if (!extras.accessToken) return { ticket, accessToken: null };
  const draft = await drafted(extras.accessToken, ticket.id, desk.clock.now());
  return { ticket, accessToken: await storeAccessToken(desk, draft) };
}

/**
 * Opens a ticket: checks the input and who opens it, lets plugins amend or
 * reject it, picks a unique number, and commits the ticket, its first
 * message, its audit event and the idempotency key in one change set.
 */
export function openTicket(
  desk: DeskContext,
  rawInput: unknown,
  rawOptions: unknown,
  extras: OpenExtras = {},
): Promise<OpenResult> {
  return openWithOptions(desk, rawInput, parseInput(openOptionsSchema, rawOptions, 'options', ['options']), extras);
}

const openOptionsSchema = queryOptionsSchema.extend({
  autoResponse: z.boolean().optional(),
});

/** {@link openTicket} with its options already checked (by `openWithAccessToken`'s wider schema). */
async function openWithOptions(
  desk: DeskContext,
  rawInput: unknown,
  options: z.output<typeof openOptionsSchema>,
  extras: OpenExtras,
): Promise<OpenResult> {
  let input = parseInput(openTicketInputSchema, rawInput, 'open input');
  const who = await resolveActor(desk.directory, options.actor);
  const requester = requesterFor(who, input);

  let idempotency = extras.idempotency;
  if (input.idempotencyKey !== undefined && !idempotency) {
    const { idempotencyKey: key, ...request } = input;
    idempotency = await pendingIdempotency(desk, 'open', who, key, { request, requester });
    const first = await replayOf(desk, idempotency);
    if (first) return replayed(desk, first, extras);
  }

  input = await desk.hooks.runBefore('open', input, { actor: options.actor, ticket: null }, (amended) =>
    parseInput(openTicketInputSchema, amended, 'open input'),
  );
  const departmentId = input.departmentId ?? desk.settings.defaultDepartmentId;
  if (departmentId === null) {
    throw validationError(
      [{ path: ['departmentId'], message: 'is required (the desk has no intake.defaultDepartmentId)' }],
      'open input',
    );
  }
  await requireDepartment(desk, departmentId);
  if (who.kind === 'agent' && !worksIn(who.agent, departmentId)) {
    throw new TicketkitError('FORBIDDEN', `Agent ${who.agent.id} does not work in department ${departmentId}`);
  }
  const fields = await validateCustomFields(desk.fields, input.fields, desk.settings.fieldLimits);

  const at = desk.clock.now().toISOString();
  const id = newId();
  const entry: ThreadEntry = {
    id: newId(),
    ticketId: id,
    kind: 'message',
    internal: false,
    author: { type: 'customer', email: requester.email, name: requester.name },
    body: input.body,
    data: null,
    createdAt: at,
  };
  const audit: AuditEvent = {
    id: newId(),
    ticketId: id,
    command: 'open',
    event: null,
    actor: who.author,
    from: null,
    to: INITIAL_LIFECYCLE_STATE,
    changes: {},
    version: 1,
    at,
  };

  const draft: Ticket = {
    id,
    number: '',
    subject: input.subject,
    status: INITIAL_LIFECYCLE_STATE.status,
    customStatus: null,
    priority: input.priority,
    requester,
    departmentId,
    teamId: null,
    assigneeId: null,
    slaPlanId: null,
    topic: input.topic ?? null,
    source: input.source,
    fields,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    statusChangedAt: at,
    slaState: INITIAL_LIFECYCLE_STATE.sla,
    nextCheckAt: null,
    followUpOf: extras.followUpOf?.id ?? null,
    feedback: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  draft.slaPlanId = await defaultPlanFor(desk, draft);
  if (draft.slaPlanId !== null) {
    // The ticket's whole history is its opening, so the schedule needs no read.
    Object.assign(draft, (await scheduleTicket(desk, draft, [audit], new Date(at))).fields);
  }

  // Drafted before the commit, so a bad derived token refuses the request with nothing written.
  const token = extras.accessToken && (await drafted(extras.accessToken, id, new Date(at)));
  await extras.admit?.();

  for (let attempt = 1; attempt <= NUMBER_ATTEMPTS; attempt++) {
    const ticket: Ticket = { ...draft, number: await desk.numbers.next() };
    const outbox = planNotifications(desk, {
      command: 'open',
      event: null,
      before: null,
      after: ticket,
      who,
      entries: [entry],
      at,
      autoResponse: options.autoResponse !== false,
    });
    try {
      await desk.storage.commit({
        ticket: { kind: 'insert', ticket },
        thread: [entry],
        audit: [audit],
        outbox,
        ...(idempotency ? idempotencyWrite(idempotency, id, at) : {}),
        ...(token ? { accessTokens: [token.record] } : {}),
      });
    } catch (error) {
      if (isTicketkitError(error, 'CONFLICT') && error.details.target === 'number') continue;
      // A parallel retry with the same key won the race: answer with its ticket.
      const winner = await raceWinner(desk, error, idempotency);
      if (winner) return replayed(desk, winner, extras);
      throw error;
    }
    desk.outbox.afterCommit(outbox);
    desk.bus.emit('ticket.created', { ticket, actor: who.author, at, entry });
    await desk.hooks.runAfter({ command: 'open', actor: options.actor, input, ticket });
    return {
      ticket,
      accessToken: token ? { token: token.token, ticketId: id, expiresAt: token.record.expiresAt } : null,
    };
  }
  throw new TicketkitError(
    'CONFLICT',
    `Could not find a free ticket number in ${NUMBER_ATTEMPTS} attempts: give ticketNumber.format more '#' digits`,
    { target: 'number' },
  );
}

const openWithAccessTokenOptionsSchema = openOptionsSchema.extend({
  accessToken: z
    .strictObject({
      derive: z
        .custom<(ticketId: string) => string | Promise<string>>((value) => typeof value === 'function', {
          message: 'must be a function of the ticket id',
        })
        .optional(),
      expiresIn: durationSchema.nullable().default('90d'),
    })
    .default({ expiresIn: '90d' }),
  admit: z
    .custom<() => void | Promise<void>>((value) => typeof value === 'function', { message: 'must be a function' })
    .optional(),
});

/**
 * Opens a ticket and issues its customer access token in the same commit
 * (`desk.tickets.openWithAccessToken`): either both are stored or neither.
 */
export async function openWithAccessToken(
  desk: DeskContext,
  rawInput: unknown,
  rawOptions: unknown,
): Promise<{ ticket: Ticket; accessToken: IssuedAccessToken }> {
  const { accessToken, admit, ...options } = parseInput(openWithAccessTokenOptionsSchema, rawOptions, 'options', [
    'options',
  ]);
  const opened = await openWithOptions(desk, rawInput, options, { accessToken, ...(admit ? { admit } : {}) });
  if (!opened.accessToken) throw new Error('openTicket issued no access token');
  return { ticket: opened.ticket, accessToken: opened.accessToken };
}

/** Opens the ticket that follows up a closed one, when its customer writes after the reopen window. */
export async function openFollowUp(
  desk: DeskContext,
  closed: Ticket,
  body: string,
  actor: Actor,
  idempotency?: PendingIdempotency,
): Promise<Ticket> {
  const opened = await openTicket(
    desk,
    {
      requester: { email: closed.requester.email, ...(closed.requester.name ? { name: closed.requester.name } : {}) },
      subject: closed.subject,
      body,
      priority: closed.priority,
      departmentId: closed.departmentId,
      ...(closed.topic ? { topic: closed.topic } : {}),
      source: closed.source,
      // Fields stored before the desk's limits were what they are now would refuse the customer's message:
      // the follow-up links to the closed ticket instead of copying them.
      fields: fitsFieldLimits(closed.fields, desk.settings.fieldLimits) ? closed.fields : {},
    },
    { actor },
    { followUpOf: closed, ...(idempotency ? { idempotency } : {}) },
  );
  return opened.ticket;
}
