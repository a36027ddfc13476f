import * as z from 'zod';

/** The base statuses of the lifecycle statechart's `status` region, in lifecycle order. */
export const TICKET_STATUSES = ['open', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;
/** Schema of {@link TicketStatus}. */
export const ticketStatusSchema = z.enum(TICKET_STATUSES);
/** A base status: where the ticket is in its lifecycle. */
export type TicketStatus = z.infer<typeof ticketStatusSchema>;

/** The states of the statechart's `assignment` region. */
export const ASSIGNMENT_STATES = ['unassigned', 'assigned'] as const;
/** Schema of {@link AssignmentState}. */
export const assignmentStateSchema = z.enum(ASSIGNMENT_STATES);
/** Whether an agent or a team holds the ticket. */
export type AssignmentState = z.infer<typeof assignmentStateSchema>;

/** The states of the statechart's `sla` region. */
export const SLA_STATES = ['on_track', 'at_risk', 'breached', 'paused'] as const;
/** Schema of {@link SlaState}. */
export const slaStateSchema = z.enum(SLA_STATES);
/** Where the ticket stands against its SLA targets. */
export type SlaState = z.infer<typeof slaStateSchema>;

/** Ticket priorities, lowest first. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** Schema of {@link Priority}. */
export const prioritySchema = z.enum(PRIORITIES);
/** How urgent a ticket is. */
export type Priority = z.infer<typeof prioritySchema>;

/** Channels a ticket can arrive through. */
export const TICKET_SOURCES = ['web', 'email', 'api', 'phone'] as const;
/** Schema of {@link TicketSource}. */
export const ticketSourceSchema = z.enum(TICKET_SOURCES);
/** The channel a ticket arrived through. */
export type TicketSource = z.infer<typeof ticketSourceSchema>;

/** Kinds of thread entries. */
export const THREAD_ENTRY_KINDS = ['message', 'reply', 'note', 'event'] as const;
/** Schema of {@link ThreadEntryKind}. */
export const threadEntryKindSchema = z.enum(THREAD_ENTRY_KINDS);
/**
 * `message`: written by the customer; `reply`: an agent's public answer;
 * `note`: internal, agents only; `event`: something that happened (transfer, resolution…).
 */
export type ThreadEntryKind = z.infer<typeof threadEntryKindSchema>;

/** Roles an agent can have. */
export const AGENT_ROLES = ['agent', 'admin'] as const;
/** Schema of {@link AgentRole}. */
export const agentRoleSchema = z.enum(AGENT_ROLES);
/** `agent` acts within their departments; `admin` everywhere. */
export type AgentRole = z.infer<typeof agentRoleSchema>;
