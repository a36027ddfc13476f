import type * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import { isTicketkitError, TicketkitError } from '../errors/ticketkit-error.js';
import type { TicketEventBase, TicketkitEventName, TicketkitEvents } from '../events/event-map.js';
import { newId, sleep } from '../internal/ids.js';
import type { LifecycleEvent, Principal } from '../lifecycle/lifecycle-events.js';
import { planNotifications } from '../notify/plan-notifications.js';
import type { Author } from '../schemas/actor.js';
import type { AuditEvent, LifecycleState } from '../schemas/audit.js';
import { type CommandOptions, commandOptionsSchema } from '../schemas/commands.js';
import type { ThreadEntryKind } from '../schemas/enums.js';
import { parseInput } from '../schemas/parse.js';
import { type JsonValue, ticketRefSchema } from '../schemas/primitives.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket } from '../schemas/ticket.js';
import type { CommandInputs, CommandName } from '../sdk/plugin.js';
import { defaultPlanFor, scheduleNeedsHistory, scheduleTicket } from '../sla/sla-service.js';
import { principalFor, type ResolvedActor, resolveActor } from './access.js';
import type { SpecName, SystemCommandInputs } from './command-names.js';
import { idempotencyWrite, type PendingIdempotency, pendingIdempotency, raceWinner, replayOf } from './idempotency.js';
import { lifecycleStateOf } from './lifecycle-state.js';
import { loadTicket } from './load-ticket.js';
import { refusalError } from './refusal.js';

type TicketEventName = Exclude<TicketkitEventName, 'notification.failed'>;

export type { SpecName, SystemCommandInputs, SystemCommandName } from './command-names.js';

/** The input of any command. */
export type SpecInputs = CommandInputs & SystemCommandInputs;

/** A domain event a command emits after commit: its name and what it adds to the common payload. */
export type PlannedEvent = {
  [E in TicketEventName]: { name: E; extra: Omit<TicketkitEvents[E], keyof TicketEventBase> };
}[TicketEventName];

/** A thread entry a command writes, before it gets its id and time. */
export interface EntryDraft {
  kind: ThreadEntryKind;
  internal: boolean;
  body: string;
  data?: Record<string, JsonValue> | null;
  /** Defaults to the acting principal. */
  author?: Author;
}

/** A lifecycle event as a command plans it; the runner adds the principal. */
export type PlannedLifecycleEvent = LifecycleEvent extends infer E
  ? E extends LifecycleEvent
    ? Omit<E, 'principal'>
    : never
  : never;

/** What a command wants to happen, computed from the ticket as loaded. */
export interface CommandPlan {
  /** The statechart event to send. */
  event: PlannedLifecycleEvent;
  /** Ticket fields to change besides the lifecycle state. */
  patch?: Partial<Omit<Ticket, 'id' | 'number' | 'status' | 'slaState' | 'version' | 'createdAt'>>;
  /** Thread entries to append. */
  entries?: EntryDraft[];
  /** Domain events to emit after commit. */
  events?: (result: { ticket: Ticket; entries: readonly ThreadEntry[] }) => PlannedEvent[];
  /** Why the ticket is reopened, when the command reopens it. */
  reopenReason?: string | null;
}

/** What a command's `plan` sees. */
export interface PlanContext<C extends SpecName> {
  desk: DeskContext;
  ref: string;
  ticket: Ticket;
  input: SpecInputs[C];
  who: ResolvedActor;
  principal: Principal;
  now: Date;
  /** The request's idempotency key, when it has one: what carries the command out another way remembers it too. */
  idempotency?: PendingIdempotency;
}

/** A ticket command: how to validate it, whether it is safe to retry, and what it does. */
export interface CommandSpec<C extends SpecName> {
  name: C;
  schema: z.ZodType<SpecInputs[C]>;
  /** The scheduler's own commands: no plugin hooks. */
  system?: true;
  /** Safe to retry on a version conflict: the command does not depend on what it read (notes, replies). */
  retryable: boolean;
  /** The input may carry an `idempotencyKey`: a repeat of the request is answered with the first one's ticket. */
  idempotent?: true;
  plan(context: PlanContext<C>): CommandPlan | Promise<CommandPlan>;
  /** Called when the machine refuses the event; may carry the command out another way (a follow-up ticket). */
  onRefused?(context: PlanContext<C>): Promise<Ticket | undefined>;
}

const REOPENED_FROM = new Set(['resolved', 'closed']);
// Fields whose changes the audit history records; version and timestamps change every time.
const AUDITED_FIELDS = [
  'subject',
  'priority',
  'departmentId',
  'teamId',
  'assigneeId',
  'slaPlanId',
  'customStatus',
  'fields',
  'feedback',
] as const satisfies readonly (keyof Ticket)[];

function diff(before: Ticket, after: Ticket): AuditEvent['changes'] {
  const changes: AuditEvent['changes'] = {};
  for (const field of AUDITED_FIELDS) {
    const from = before[field] as JsonValue;
    const to = after[field] as JsonValue;
    // Objects (custom fields, feedback) compare by value; most commands leave them the same object.
    const same = from === to || (typeof from === 'object' && JSON.stringify(from) === JSON.stringify(to));
    if (!same) changes[field] = { from, to };
  }
  return changes;
}

function toEntries(drafts: readonly EntryDraft[], ticketId: string, author: Author, at: string): ThreadEntry[] {
  return drafts.map((draft) => ({
    id: newId(),
    ticketId,
    kind: draft.kind,
    internal: draft.internal,
    author: draft.author ?? author,
    body: draft.body,
    data: draft.data ?? null,
    createdAt: at,
  }));
}

/** Applies the lifecycle's answer and the plan's patch to a ticket: the next version. */
function nextVersion(
  ticket: Ticket,
  plan: CommandPlan,
  to: LifecycleState,
  entries: readonly ThreadEntry[],
  at: string,
): Ticket {
  const next: Ticket = {
    ...ticket,
    ...plan.patch,
    status: to.status,
    slaState: to.sla,
    version: ticket.version + 1,
    updatedAt: at,
  };
  if (to.status !== ticket.status) {
    next.statusChangedAt = at;
    // A custom status belongs to one base status.
    next.customStatus = null;
    if (to.status === 'resolved') next.resolvedAt = at;
    if (to.status === 'closed') next.closedAt = at;
    if (REOPENED_FROM.has(ticket.status) && !REOPENED_FROM.has(to.status)) {
      next.resolvedAt = null;
      next.closedAt = null;
    }
  }
  if (
    next.firstRespondedAt === null &&
    entries.some((entry) => entry.kind === 'reply' && entry.author.type === 'agent')
  ) {
    next.firstRespondedAt = at;
  }
  const holds = next.assigneeId !== null || next.teamId !== null;
  if (holds !== (to.assignment === 'assigned')) {
    // The plan and the machine disagree about who holds the ticket: a bug here, never the caller's fault.
    throw new Error(`ticketkit: assignment mismatch after ${plan.event.type} (machine says ${to.assignment})`);
  }
  return next;
}

/** Whether a change moves what the scheduler watches: the clock's status, the first response, the plan. */
function schedulingChanged(before: Ticket, after: Ticket): boolean {
  return (
    before.status !== after.status ||
    before.firstRespondedAt !== after.firstRespondedAt ||
    before.slaPlanId !== after.slaPlanId
  );
}

/**
 * A ticket whose plan came from the policy's defaults follows them: when its
 * priority, department, topic or custom fields change, it gets the plan the
 * policy picks now. A plan someone chose stays (the command's own `slaPlanId` wins too).
 */
async function reselectDefaultPlan(desk: DeskContext, before: Ticket, after: Ticket, plan: CommandPlan) {
  if (plan.patch && 'slaPlanId' in plan.patch) return;
  const moved =
    before.priority !== after.priority ||
    before.departmentId !== after.departmentId ||
    before.topic !== after.topic ||
    // A policy may choose by custom field (a customer tier).
    JSON.stringify(before.fields) !== JSON.stringify(after.fields);
  if (!moved || !desk.sla.selectPlan) return;
  if ((await defaultPlanFor(desk, before)) !== before.slaPlanId) return;
  after.slaPlanId = await defaultPlanFor(desk, after);
}

/** Resolves an actor and loads the ticket they refer to, refusing what they may not see. */
export async function loadForActor(desk: DeskContext, ref: string, who: ResolvedActor) {
  const ticket = await loadTicket(desk.storage, ref);
  const principal = await principalFor(desk.directory, who, ticket, ref);
  return { ticket, principal };
}

/**
 * Runs a ticket command: validate, authorize, ask the statechart, commit the
 * ticket, thread and audit rows in one change set, then emit events. Safe
 * commands retry on a version conflict with jittered backoff.
 */
export async function runCommand<C extends SpecName>(
  desk: DeskContext,
  spec: CommandSpec<C>,
  ref: string,
  rawInput: unknown,
  rawOptions: CommandOptions,
): Promise<Ticket> {
  const options = parseInput(commandOptionsSchema, rawOptions, 'options', ['options']);
  let input = parseInput(spec.schema, rawInput, `${spec.name} input`);
  const refValue = parseInput(ticketRefSchema, ref, 'ticket reference', ['ref']);
  const who = await resolveActor(desk.directory, options.actor);
  const { settings, lifecycle, storage } = desk;

  const key = spec.idempotent ? (input as { idempotencyKey?: string }).idempotencyKey : undefined;
  let idempotency: PendingIdempotency | undefined;

  for (let attempt = 1; ; attempt++) {
    const { ticket, principal } = await loadForActor(desk, refValue, who);
    if (key !== undefined) {
      if (!idempotency) {
        // The request as sent (before plugins amend it) on this ticket, whichever reference named it.
        const { idempotencyKey: _key, ...request } = input as { idempotencyKey?: string };
        idempotency = await pendingIdempotency(desk, spec.name, who, key, { ticketId: ticket.id, request });
      }
      // Checked on every attempt (the version conflict that sent us round again may have been our own repeat),
      // and before the expected version: a repeat of a request that moved the ticket on is still answered.
      const first = await replayOf(desk, idempotency);
      if (first) return first;
    }
    if (options.expectedVersion !== undefined && ticket.version !== options.expectedVersion) {
      throw new TicketkitError(
        'CONFLICT',
        `Ticket ${ticket.number} is at version ${ticket.version}, not ${options.expectedVersion}: reload it`,
        {
          target: 'version',
          expectedVersion: options.expectedVersion,
          actualVersion: ticket.version,
        },
      );
    }
    const hookName = spec.system ? null : (spec.name as CommandName);
    if (attempt === 1 && hookName && desk.hooks.hasBefore(hookName)) {
      input = (await desk.hooks.runBefore(
        hookName,
        input as never,
        { actor: options.actor, ticket },
        (amended) => parseInput(spec.schema, amended, `${spec.name} input`) as never,
      )) as SpecInputs[C];
    }
    const now = desk.clock.now();
    const context: PlanContext<C> = {
      desk,
      ref: refValue,
      ticket,
      input,
      who,
      principal,
      now,
      ...(idempotency ? { idempotency } : {}),
    };
    const planned = spec.plan(context);
    const plan = planned instanceof Promise ? await planned : planned;
    const event = { ...plan.event, principal } as LifecycleEvent;
    const from = lifecycleStateOf(ticket);
    const to = lifecycle.next(from, event);
    if (!to) {
      const diverted = await spec.onRefused?.(context);
      if (diverted) return diverted;
      throw refusalError(desk, ticket, event);
    }

    const at = now.toISOString();
    const entries = toEntries(plan.entries ?? [], ticket.id, who.author, at);
    const reopened = REOPENED_FROM.has(from.status) && !REOPENED_FROM.has(to.status);
    if (reopened) {
      const reason = plan.reopenReason ?? null;
      entries.push(
        ...toEntries(
          [
            {
              kind: 'event',
              internal: false,
              body: reason ? `Reopened: ${reason}` : 'Reopened',
              data: { event: 'reopened', from: from.status, to: to.status },
            },
          ],
          ticket.id,
          who.author,
          at,
        ),
      );
    }
    const updated = nextVersion(ticket, plan, to, entries, at);
    await reselectDefaultPlan(desk, ticket, updated, plan);
    const audit: AuditEvent = {
      id: newId(),
      ticketId: ticket.id,
      command: spec.name,
      event: { ...event },
      actor: who.author,
      from,
      to,
      changes: diff(ticket, updated),
      version: updated.version,
      at,
    };

    if (schedulingChanged(ticket, updated) || spec.system) {
      const history = scheduleNeedsHistory(desk, updated) ? [...(await storage.listAudit(ticket.id)), audit] : [audit];
      Object.assign(updated, (await scheduleTicket(desk, updated, history, now)).fields);
    }

    const outbox = planNotifications(desk, {
      command: spec.name,
      event,
      before: ticket,
      after: updated,
      who,
      entries,
      at,
    });
    try {
      await storage.commit({
        ticket: { kind: 'update', ticket: updated, expectedVersion: ticket.version, previous: ticket },
        thread: entries,
        audit: [audit],
        outbox,
        ...(idempotency ? idempotencyWrite(idempotency, ticket.id, at) : {}),
      });
    } catch (error) {
      // A parallel repeat with the same key won the race: answer with its ticket.
      const winner = await raceWinner(desk, error, idempotency);
      if (winner) return winner;
      const collided = isTicketkitError(error, 'CONFLICT') && error.details.target === 'version';
      if (collided && spec.retryable && options.expectedVersion === undefined && attempt < settings.maxAttempts) {
        // Full jitter, capped: concurrent writers spread out instead of colliding in lockstep.
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
        continue;
      }
      if (collided) {
        throw new TicketkitError(
          'CONFLICT',
          `Ticket ${ticket.number} changed while ${spec.name} ran: reload it and try again`,
          {
            cause: error,
            target: 'version',
            expectedVersion: ticket.version,
          },
        );
      }
      throw error;
    }

    desk.outbox.afterCommit(outbox);
    const base: TicketEventBase = { ticket: updated, actor: who.author, at };
    for (const event of plan.events?.({ ticket: updated, entries }) ?? []) {
      if (desk.bus.has(event.name)) desk.bus.emit(event.name, { ...base, ...event.extra } as never);
    }
    if (from.status !== to.status && desk.bus.has('ticket.status_changed')) {
      desk.bus.emit('ticket.status_changed', { ...base, from: from.status, to: to.status });
    }
    if (reopened && desk.bus.has('ticket.reopened')) {
      desk.bus.emit('ticket.reopened', { ...base, from: from.status, reason: plan.reopenReason ?? null });
    }
    if (hookName && desk.hooks.hasAfter(hookName)) {
      await desk.hooks.runAfter({ command: hookName, actor: options.actor, input, ticket: updated } as never);
    }
    return updated;
  }
}
