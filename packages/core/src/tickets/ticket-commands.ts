import type { DeskContext } from '../desk/desk-context.js';
import { validationError } from '../errors/ticketkit-error.js';
import {
  assignInputSchema,
  bodyInputSchema,
  closeInputSchema,
  confirmResolutionInputSchema,
  emptyInputSchema,
  feedbackInputSchema,
  noteInputSchema,
  reopenInputSchema,
  replyInputSchema,
  resolveInputSchema,
  transferInputSchema,
  updateInputSchema,
} from '../schemas/commands.js';
import type { JsonValue } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import type { CommandName } from '../sdk/plugin.js';
import { renderCannedResponse } from './canned-responses.js';
import { checkFieldLimits, validateCustomFields } from './custom-fields.js';
import { isWithinReopenWindow } from './lifecycle-state.js';
import { openFollowUp } from './open-ticket.js';
import {
  requireAgentIn,
  requireCannedResponse,
  requireDepartment,
  requireSlaPlan,
  requireTeamIn,
} from './references.js';
import type { CommandPlan, CommandSpec, PlanContext } from './run-command.js';

/** Whether a closed ticket is still inside the reopen window (tickets that are not closed always are). */
function withinReopenWindow({ ticket, now, desk }: PlanContext<CommandName>): boolean {
  return isWithinReopenWindow(ticket, now, desk.settings);
}

async function describeHolder(context: PlanContext<CommandName>, agentId: string | null, teamId: string | null) {
  const { directory } = context.desk;
  const agent = agentId ? await directory.get('agents', agentId) : null;
  const team = teamId ? await directory.get('teams', teamId) : null;
  const names = [agent?.name ?? agentId, team ? `team ${team.name}` : teamId].filter(Boolean);
  return names.length ? names.join(', ') : 'nobody';
}

const assign: CommandSpec<'assign'> = {
  name: 'assign',
  schema: assignInputSchema,
  retryable: false,
  async plan(context) {
    const { ticket, input, desk } = context;
    // A field left out keeps its value; null clears it.
    const assigneeId = input.agentId === undefined ? ticket.assigneeId : input.agentId;
    const teamId = input.teamId === undefined ? ticket.teamId : input.teamId;
    if (input.agentId) await requireAgentIn(desk, input.agentId, ticket.departmentId);
    if (input.teamId) await requireTeamIn(desk, input.teamId, ticket.departmentId);
    const previous = { assigneeId: ticket.assigneeId, teamId: ticket.teamId };
    return {
      event: { type: 'ASSIGN' },
      patch: { assigneeId, teamId },
      entries: [
        {
          kind: 'event',
          internal: true,
          body: `Assigned to ${await describeHolder(context, assigneeId, teamId)}`,
          data: { event: 'assigned', assigneeId, teamId },
        },
      ],
      events: () => [{ name: 'ticket.assigned', extra: { previous } }],
    };
  },
};

const unassign: CommandSpec<'unassign'> = {
  name: 'unassign',
  schema: emptyInputSchema,
  retryable: false,
  plan({ ticket }) {
    const previous = { assigneeId: ticket.assigneeId, teamId: ticket.teamId };
    return {
      event: { type: 'UNASSIGN' },
      patch: { assigneeId: null, teamId: null },
      entries: [{ kind: 'event', internal: true, body: 'Unassigned', data: { event: 'unassigned', ...previous } }],
      events: () => [{ name: 'ticket.unassigned', extra: { previous } }],
    };
  },
};

const transfer: CommandSpec<'transfer'> = {
  name: 'transfer',
  schema: transferInputSchema,
  retryable: false,
  async plan(context) {
    const { ticket, input, desk } = context;
    const target = await requireDepartment(desk, input.departmentId);
    if (input.teamId) await requireTeamIn(desk, input.teamId, target.id);
    if (input.agentId) await requireAgentIn(desk, input.agentId, target.id);
    const source = await desk.directory.get('departments', ticket.departmentId);
    const from = { departmentId: ticket.departmentId, teamId: ticket.teamId, assigneeId: ticket.assigneeId };
    const to = { departmentId: target.id, teamId: input.teamId ?? null, assigneeId: input.agentId ?? null };
    const holder = to.assigneeId || to.teamId ? ` (${await describeHolder(context, to.assigneeId, to.teamId)})` : '';
    const headline = `Transferred from ${source?.name ?? ticket.departmentId} to ${target.name}${holder}`;
    return {
      event: { type: 'TRANSFER', assigns: to.assigneeId !== null || to.teamId !== null },
      patch: to,
      entries: [
        {
          kind: 'event',
          internal: true,
          body: input.note ? `${headline}\n\n${input.note}` : headline,
          data: { event: 'transferred', from, to, note: input.note ?? null },
        },
      ],
      events: () => [{ name: 'ticket.transferred', extra: { from, to, note: input.note ?? null } }],
    };
  },
};

const reply: CommandSpec<'reply'> = {
  name: 'reply',
  schema: replyInputSchema,
  retryable: true,
  idempotent: true,
  plan(context) {
    const { ticket, input, principal, desk } = context;
    if (principal === 'requester') {
      if (input.cannedResponseId !== undefined) {
        throw validationError(
          [{ path: ['cannedResponseId'], message: 'canned responses are for agents' }],
          'reply input',
        );
      }
      return {
        event: { type: 'CUSTOMER_REPLY', withinReopenWindow: withinReopenWindow(context) },
        entries: [{ kind: 'message', internal: false, body: input.body ?? '' }],
        events: ({ entries }) => [{ name: 'ticket.replied', extra: { entry: entries[0] ?? never() } }],
        reopenReason: 'the customer replied',
      };
    }
    const agentReply = (body: string, data: Record<string, JsonValue> | null): CommandPlan => ({
      event: { type: 'AGENT_REPLY' },
      entries: [{ kind: 'reply', internal: false, body, data }],
      events: ({ entries }) => [{ name: 'ticket.replied', extra: { entry: entries[0] ?? never() } }],
    });
    // Most replies are typed, not canned: they plan without waiting for anything.
    if (input.cannedResponseId === undefined) return agentReply(input.body ?? '', null);
    return requireCannedResponse(desk, input.cannedResponseId, ticket.departmentId).then(async (canned) => {
      // The agent's own edit wins; otherwise the template is filled in for this ticket, as text (thread bodies are text).
      const body = input.body ?? (await renderCannedResponse(desk, canned, ticket, context.who.author.name ?? null));
      return agentReply(body, { cannedResponseId: canned.id });
    });
  },
  async onRefused(context) {
    // Past the reopen window a customer's reply starts a new ticket linked to the closed one.
    if (context.principal !== 'requester' || context.ticket.status !== 'closed' || withinReopenWindow(context)) {
      return undefined;
    }
    return openFollowUp(context.desk, context.ticket, context.input.body ?? '', context.who.actor, context.idempotency);
  },
};

const note: CommandSpec<'note'> = {
  name: 'note',
  schema: noteInputSchema,
  retryable: true,
  idempotent: true,
  plan({ input }) {
    return {
      event: { type: 'NOTE' },
      entries: [{ kind: 'note', internal: true, body: input.body }],
      events: ({ entries }) => [{ name: 'ticket.noted', extra: { entry: entries[0] ?? never() } }],
    };
  },
};

const startWork: CommandSpec<'startWork'> = {
  name: 'startWork',
  schema: emptyInputSchema,
  retryable: false,
  plan() {
    return { event: { type: 'START_WORK' } };
  },
};

const requestInfo: CommandSpec<'requestInfo'> = {
  name: 'requestInfo',
  schema: bodyInputSchema,
  retryable: false,
  async plan({ ticket, input, desk }) {
    const plan = ticket.slaPlanId ? await desk.directory.get('slaPlans', ticket.slaPlanId) : null;
    return {
      event: { type: 'REQUEST_INFO', pausesSla: plan?.pauseWhileAwaitingCustomer ?? false },
      entries: [{ kind: 'reply', internal: false, body: input.body, data: { event: 'request_info' } }],
      events: ({ entries }) => [{ name: 'ticket.replied', extra: { entry: entries[0] ?? never() } }],
    };
  },
};

const resolve: CommandSpec<'resolve'> = {
  name: 'resolve',
  schema: resolveInputSchema,
  retryable: false,
  plan({ input }) {
    return {
      event: { type: 'RESOLVE' },
      entries: [
        { kind: 'note', internal: true, body: input.resolutionNote, data: { event: 'resolution_note' } },
        ...(input.body ? [{ kind: 'reply' as const, internal: false, body: input.body }] : []),
        { kind: 'event', internal: false, body: 'Resolved', data: { event: 'resolved' } },
      ],
      events: ({ entries }) => [
        ...(input.body
          ? [
              {
                name: 'ticket.replied' as const,
                extra: { entry: entries.find((entry) => entry.kind === 'reply') ?? never() },
              },
            ]
          : []),
        { name: 'ticket.resolved', extra: { resolutionNote: input.resolutionNote } },
      ],
    };
  },
};

const confirmResolution: CommandSpec<'confirmResolution'> = {
  name: 'confirmResolution',
  schema: confirmResolutionInputSchema,
  retryable: false,
  plan({ input, now }) {
    const feedback = { rating: input.rating ?? null, comment: input.comment ?? null, at: now.toISOString() };
    return {
      event: { type: 'CONFIRM_RESOLUTION' },
      patch: { feedback },
      entries: [
        {
          kind: 'event',
          internal: false,
          body: input.comment ? `Resolution confirmed: ${input.comment}` : 'Resolution confirmed',
          data: { event: 'confirmed', rating: feedback.rating },
        },
      ],
      events: () => [
        { name: 'ticket.closed', extra: { reason: 'confirmed' } },
        ...(feedback.rating !== null || feedback.comment !== null
          ? [{ name: 'ticket.feedback' as const, extra: { feedback } }]
          : []),
      ],
    };
  },
};

const feedback: CommandSpec<'feedback'> = {
  name: 'feedback',
  schema: feedbackInputSchema,
  retryable: false,
  plan({ input, now }) {
    const given = { rating: input.rating, comment: input.comment ?? null, at: now.toISOString() };
    return {
      event: { type: 'FEEDBACK' },
      patch: { feedback: given },
      entries: [
        {
          kind: 'event',
          internal: false,
          body: `Feedback: ${given.rating}/5${given.comment ? ` — ${given.comment}` : ''}`,
          data: { event: 'feedback', rating: given.rating },
        },
      ],
      events: () => [{ name: 'ticket.feedback', extra: { feedback: given } }],
    };
  },
};

const close: CommandSpec<'close'> = {
  name: 'close',
  schema: closeInputSchema,
  retryable: false,
  plan({ input, desk }) {
    const forced = input.force === true && desk.settings.requireConfirmation;
    return {
      event: { type: 'CLOSE', force: input.force === true },
      entries: [
        {
          kind: 'event',
          internal: false,
          body: forced ? 'Closed without confirmation' : 'Closed',
          data: { event: 'closed', forced },
        },
      ],
      events: () => [{ name: 'ticket.closed', extra: { reason: forced ? 'forced' : 'closed' } }],
    };
  },
};

const reopen: CommandSpec<'reopen'> = {
  name: 'reopen',
  schema: reopenInputSchema,
  retryable: false,
  plan(context) {
    return {
      event: { type: 'REOPEN', withinReopenWindow: withinReopenWindow(context) },
      reopenReason: context.input.reason ?? null,
    };
  },
};

const update: CommandSpec<'update'> = {
  name: 'update',
  schema: updateInputSchema,
  retryable: false,
  async plan({ ticket, input, desk }) {
    const patch: Partial<Ticket> = {};
    if (input.priority !== undefined) patch.priority = input.priority;
    if (input.subject !== undefined) patch.subject = input.subject;
    if (input.slaPlanId !== undefined) {
      if (input.slaPlanId !== null) await requireSlaPlan(desk, input.slaPlanId);
      patch.slaPlanId = input.slaPlanId;
    }
    if (input.customStatus !== undefined) {
      const custom = input.customStatus === null ? null : desk.settings.customStatuses.get(input.customStatus);
      if (custom === undefined) {
        throw validationError(
          [{ path: ['customStatus'], message: `no custom status ${input.customStatus}` }],
          'update input',
        );
      }
      if (custom && custom.status !== ticket.status) {
        throw validationError(
          [
            {
              path: ['customStatus'],
              message: `${custom.id} is a custom ${custom.status} status; the ticket is ${ticket.status}`,
            },
          ],
          'update input',
        );
      }
      patch.customStatus = custom?.id ?? null;
    }
    if (input.fields !== undefined) {
      // The values sent are bounded before they are merged: a hostile patch costs no more than a bounded walk.
      checkFieldLimits(input.fields, desk.settings.fieldLimits);
      patch.fields = await validateCustomFields(
        desk.fields,
        { ...ticket.fields, ...input.fields },
        desk.settings.fieldLimits,
      );
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [field, to] of Object.entries(patch)) {
      const from = ticket[field as keyof Ticket];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
    }
    const summary = await describeChanges(desk, changes);
    return {
      event: { type: 'UPDATE' },
      patch,
      entries: summary
        ? [{ kind: 'event', internal: true, body: `Updated ${summary}`, data: { event: 'updated' } }]
        : [],
      events: () => [{ name: 'ticket.updated', extra: { changes } }],
    };
  },
};

const FIELD_LABELS: Record<string, string> = {
  priority: 'priority',
  subject: 'subject',
  slaPlanId: 'SLA plan',
  customStatus: 'status',
  fields: 'custom fields',
};

/** "SLA plan: none → SEV C, priority: normal → high", for the thread. */
async function describeChanges(desk: DeskContext, changes: Record<string, { from: unknown; to: unknown }>) {
  const show = async (field: string, value: unknown) => {
    if (value === null || value === undefined) return 'none';
    if (field === 'slaPlanId') return (await desk.directory.get('slaPlans', String(value)))?.name ?? String(value);
    if (field === 'customStatus') return desk.settings.customStatuses.get(String(value))?.name ?? String(value);
    return String(value);
  };
  const parts: string[] = [];
  for (const [field, { from, to }] of Object.entries(changes)) {
    const label = FIELD_LABELS[field] ?? field;
    parts.push(field === 'fields' ? label : `${label}: ${await show(field, from)} → ${await show(field, to)}`);
  }
  return parts.join(', ');
}

function never(): never {
  throw new Error('ticketkit: a planned thread entry is missing');
}

/** Every ticket command, by name. */
export const TICKET_COMMANDS = {
  assign,
  unassign,
  transfer,
  reply,
  note,
  startWork,
  requestInfo,
  resolve,
  confirmResolution,
  feedback,
  close,
  reopen,
  update,
} satisfies { [C in Exclude<CommandName, 'open'>]: CommandSpec<C> };
