import type { SlaTarget } from '../events/event-map.js';
import type { AuditEvent } from '../schemas/audit.js';
import type { SlaState } from '../schemas/enums.js';
import type { Ticket } from '../schemas/ticket.js';
import type { SlaEvaluation, SlaTargetEvaluation } from '../sdk/sla-policy.js';

/** The targets of an evaluation, with the names events and the history use. */
export const SLA_TARGETS = [
  ['firstResponse', 'first_response'],
  ['resolution', 'resolution'],
] as const satisfies readonly (readonly [keyof Omit<SlaEvaluation, 'state'>, SlaTarget])[];

/** The SLA event that moves the `sla` region to each state. */
export const SLA_EVENT_FOR = {
  on_track: 'SLA_OK',
  at_risk: 'SLA_WARNING',
  breached: 'SLA_BREACH',
  paused: 'SLA_PAUSE',
} as const satisfies Record<SlaState, string>;

/** The SLA event types. */
export type SlaEventType = (typeof SLA_EVENT_FOR)[SlaState];

/** The warnings and breaches that have fired for a ticket's current plan. */
export interface FiredCrossings {
  /** Targets that have warned. */
  warned: ReadonlySet<SlaTarget>;
  /** Targets that have breached. */
  breached: ReadonlySet<SlaTarget>;
}

const isSlaEvent = (event: AuditEvent['event']) =>
  event !== null && Object.values(SLA_EVENT_FOR).includes(event.type as SlaEventType);

/**
 * Which targets have warned and breached, read from the history: each
 * target warns and breaches once per plan. A plan change starts over, since
 * the new plan's targets are new promises.
 */
export function firedCrossings(history: readonly AuditEvent[]): FiredCrossings {
  const warned = new Set<SlaTarget>();
  const breached = new Set<SlaTarget>();
  for (const audit of history) {
    if ('slaPlanId' in audit.changes) {
      warned.clear();
      breached.clear();
    }
    if (!isSlaEvent(audit.event)) continue;
    const recorded = audit.event as { warned?: unknown; breached?: unknown };
    for (const target of Array.isArray(recorded.warned) ? recorded.warned : []) warned.add(target as SlaTarget);
    for (const target of Array.isArray(recorded.breached) ? recorded.breached : []) breached.add(target as SlaTarget);
  }
  return { warned, breached };
}

/** Whether the scheduler has reminded the customer since the ticket last started awaiting them. */
export function remindedSince(history: readonly AuditEvent[], since: string): boolean {
  return history.some((audit) => audit.command === 'remind' && audit.at >= since);
}

/** What an SLA check of a ticket should do: the event to send and the targets it fires. */
export interface SlaCheck {
  /** The SLA event whose target state is where the policy says the ticket stands. */
  type: SlaEventType;
  /** Targets that become at risk now. */
  warned: SlaTarget[];
  /** Targets that are missed now. */
  breached: SlaTarget[];
}

const isActiveTarget = (target: SlaTargetEvaluation | null): target is SlaTargetEvaluation =>
  target !== null && (target.state === 'on_track' || target.state === 'at_risk' || target.state === 'breached');

/**
 * The SLA check a due ticket needs, or `null` when it needs none: fire each
 * crossing that has not fired (a target missed before it ever warned skips
 * its warning) and move the region to the policy's state.
 */
export function planSlaCheck(evaluation: SlaEvaluation, fired: FiredCrossings, current: SlaState): SlaCheck | null {
  const warned: SlaTarget[] = [];
  const breached: SlaTarget[] = [];
  for (const [key, name] of SLA_TARGETS) {
    const target = evaluation[key];
    if (target?.state === 'breached' && !fired.breached.has(name)) breached.push(name);
    if (target?.state === 'at_risk' && !fired.warned.has(name) && !fired.breached.has(name)) warned.push(name);
  }
  if (warned.length === 0 && breached.length === 0 && evaluation.state === current) return null;
  return { type: SLA_EVENT_FOR[evaluation.state], warned, breached };
}

/** The inputs of a ticket's next check time. */
export interface NextCheckInput {
  /** The ticket as it will be committed. */
  ticket: Ticket;
  /** Its SLA evaluation, or `null` without a plan. */
  evaluation: SlaEvaluation | null;
  /** What has fired for its plan. */
  fired: FiredCrossings;
  /** Whether the customer has been reminded since the ticket started awaiting them. */
  reminded: boolean;
  /** `autoCloseAfter` in ms, or `null`. */
  autoCloseAfterMs: number | null;
  /** `remindAfter` in ms, or `null`. */
  remindAfterMs: number | null;
  /** The time now. */
  now: Date;
}

const ACTIVE = new Set(['open', 'in_progress', 'awaiting_customer']);

/**
 * When the scheduler should next look at a ticket (ISO 8601), or `null`:
 * the earliest of its unfired warning and due times, its auto-close time
 * when resolved, its reminder time when awaiting the customer — and now, when
 * the `sla` region is not where the policy says (a resumed clock that is
 * already at risk).
 */
export function nextCheckAt(input: NextCheckInput): string | null {
  const { ticket, evaluation, fired } = input;
  const times: number[] = [];
  if (evaluation && ACTIVE.has(ticket.status)) {
    if (evaluation.state !== ticket.slaState) times.push(input.now.getTime());
    for (const [key, name] of SLA_TARGETS) {
      const target = evaluation[key];
      if (!isActiveTarget(target) || fired.breached.has(name)) continue;
      if (target.warnAt !== null && !fired.warned.has(name)) times.push(Date.parse(target.warnAt));
      if (target.dueAt !== null) times.push(Date.parse(target.dueAt));
    }
  }
  if (ticket.status === 'resolved' && input.autoCloseAfterMs !== null && ticket.resolvedAt !== null) {
    times.push(Date.parse(ticket.resolvedAt) + input.autoCloseAfterMs);
  }
  if (ticket.status === 'awaiting_customer' && input.remindAfterMs !== null && !input.reminded) {
    times.push(Date.parse(ticket.statusChangedAt) + input.remindAfterMs);
  }
  return times.length ? new Date(Math.min(...times)).toISOString() : null;
}
