/** The shapes the console reads from `@ticketkit/server` (a browser package imports no Node code). */

/** A ticket status. */
export type Status = 'open' | 'in_progress' | 'awaiting_customer' | 'resolved' | 'closed';

/** Why an action is not offered now. */
export interface ActionAnswer {
  allowed: boolean;
  reason?: 'CONFIRMATION_REQUIRED' | 'FORBIDDEN' | 'INVALID_TRANSITION';
  requiresForce?: boolean;
}

/** A ticket as the API gives it to an agent. */
export interface Ticket {
  id: string;
  number: string;
  subject: string;
  status: Status;
  customStatus: string | null;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  requester: { email: string; name?: string | null };
  departmentId: string;
  teamId: string | null;
  assigneeId: string | null;
  slaPlanId: string | null;
  slaState: 'on_track' | 'at_risk' | 'breached' | 'paused';
  fields: Record<string, unknown>;
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  feedback: { rating: number | null; comment: string | null; at: string } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Present on the single-ticket routes: what this agent may do now. */
  actions?: Record<string, ActionAnswer>;
}

/** One entry of a ticket's thread. */
export interface ThreadEntry {
  id: string;
  kind: 'message' | 'reply' | 'note' | 'event';
  internal: boolean;
  author: { type: string; name?: string | null; email?: string; id?: string };
  body: string;
  createdAt: string;
}

/** A delivery of the ticket's delivery log, as `GET /tickets/{ref}/deliveries` answers it. */
export interface Delivery {
  id: string;
  notifierId: string;
  status: 'pending' | 'retrying' | 'delivered' | 'dead';
  type: string;
  /** `null` for a notifier that gets one notification per change (a webhook), not one per person. */
  recipient: { email: string; name: string | null } | null;
  subject: string;
  attempts: { at: string; durationMs: number; error: string | null }[];
  createdAt: string;
}

/** What `GET /directory` answers. */
export interface Directory {
  departments: { id: string; name: string }[];
  teams: { id: string; name: string; departmentId: string }[];
  agents: { id: string; name: string; departmentIds: string[]; role?: string }[];
  slaPlans: { id: string; name: string }[];
  cannedResponses: { id: string; title: string; body: string; departmentId?: string | null }[];
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What `GET /queues?by=department` answers: counts by queue name, in total and per department. */
export interface CountsByDepartment {
  total: Record<string, number>;
  departments: { id: string; name: string; counts: Record<string, number> }[];
}
