import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AccessTokensApi, IssuedAccessToken } from '../access/access-tokens-api.js';
import type { TicketkitEventName, TicketkitListener } from '../events/event-map.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { DeliveriesApi } from '../notify/deliveries-api.js';
import type { QueueCounts, QueueCountsByDepartment } from '../queues/queue-counts.js';
import type { QueueName } from '../queues/queue-definitions.js';
import type { Scheduler } from '../scheduler/scheduler-api.js';
import type { AllowedActions } from '../schemas/allowed-actions.js';
import type { AuditEvent } from '../schemas/audit.js';
import type {
  AssignInput,
  BodyInput,
  CloseInput,
  CommandOptions,
  ConfirmResolutionInput,
  EmptyInput,
  FeedbackInput,
  ListOptions,
  NoteInput,
  OpenTicketInput,
  QueryOptions,
  QueueListOptions,
  ReopenInput,
  ReplyInput,
  ResolveInput,
  TransferInput,
  UpdateInput,
} from '../schemas/commands.js';
import type { AgentInput, CalendarInput, DepartmentInput, SlaPlanInput, TeamInput } from '../schemas/directory.js';
import type { ThreadEntry } from '../schemas/thread.js';
import type { Ticket, TicketSummary } from '../schemas/ticket.js';
import type { Page } from '../storage/storage-adapter.js';
import type { CannedResponsesApi } from '../tickets/canned-responses-api.js';
import type { Duration } from '../time/duration.js';
import type { ChangesApi } from './changes-api.js';
import type { DirectoryApi } from './directory-api.js';

export type { DirectoryApi } from './directory-api.js';

/** Options of `desk.tickets.open`: who opens the ticket. */
export interface OpenOptions {
  /** A customer opening their own ticket, an agent opening one for a customer, or the system (email intake). */
  actor: CommandOptions['actor'];
  /**
   * Send the requester the auto-response. `false` for a ticket opened from an
   * automatic message (an email with `Auto-Submitted`, a monitoring alert), so
   * that no robot answers another.
   * @default true
   */
  autoResponse?: boolean;
}

/** Options of `desk.tickets.openWithAccessToken`. */
export interface OpenWithAccessTokenOptions extends OpenOptions {
  accessToken?: {
    /**
     * Makes the token from the new ticket's id, e.g. an HMAC of it under your
     * secret, so that every retry of one request gets the same token:
     * base64url, at least 22 characters (128 bits). Without it the desk draws
     * 256 random bits (and a retry gets a new token).
     */
    derive?: (ticketId: string) => string | Promise<string>;
    /**
     * How long the token works; `null` for as long as it is not revoked.
     * @default '90d'
     */
    expiresIn?: Duration | null;
  };
  /**
   * Called once the desk has checked the request and is about to commit a
   * new ticket — never for a retry its `idempotencyKey` answers. Throw to
   * refuse the ticket; nothing is written. The HTTP API counts its per-email
   * rate limit here, so only tickets the desk accepts are counted.
   */
  admit?: () => void | Promise<void>;
}

/**
 * The ticket commands and queries. Every command takes a ticket reference
 * (its id or its number), an input, and `{ actor }`, and returns the ticket
 * as committed.
 */
export interface TicketsApi<TFields = Record<string, unknown>> {
  /** Opens a ticket: number, first message, `open` state. Retries with the same `idempotencyKey` return the same ticket. */
  open(input: OpenTicketInput, options: OpenOptions): Promise<Ticket<TFields>>;
  /**
   * Opens a ticket and issues the customer's access token in the same commit
   * (what a public intake form answers with): either both are stored or
   * neither. A retry with the same `idempotencyKey` returns the same ticket
   * and — when `accessToken.derive` makes the token from the ticket id — the
   * same token.
   */
  openWithAccessToken(
    input: OpenTicketInput,
    options: OpenWithAccessTokenOptions,
  ): Promise<{ ticket: Ticket<TFields>; accessToken: IssuedAccessToken }>;
  /** Gives the ticket to an agent and/or a team. */
  assign(ref: string, input: AssignInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Takes the ticket from its agent and team. */
  unassign(ref: string, input: EmptyInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Moves the ticket to another department (and team/agent), with a note for the receiving colleagues. */
  transfer(ref: string, input: TransferInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /**
   * Adds a public message: an agent's reply (the customer is notified) or the
   * customer's message (which moves a ticket awaiting them back to work and
   * reopens a resolved one). A customer writing to a ticket closed longer
   * than `reopenWindow` ago gets a new ticket linked to it (`followUpOf`);
   * that new ticket is returned. A repeat with the same `idempotencyKey`
   * (same actor, ticket and input, within `intake.idempotencyKeyTtl`) writes
   * nothing and returns the ticket the first one committed to, as it is now;
   * the same key with another input fails with `IDEMPOTENCY_MISMATCH`.
   */
  reply(ref: string, input: ReplyInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Adds an internal note, visible to agents only. An `idempotencyKey` makes a repeat write nothing, as for `reply`. */
  note(ref: string, input: NoteInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Moves an assigned ticket to `in_progress`. */
  startWork(ref: string, input: EmptyInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Asks the customer for information: a public reply, and the ticket awaits the customer. */
  requestInfo(ref: string, input: BodyInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Resolves the ticket with a resolution note (internal) and an optional final reply. */
  resolve(ref: string, input: ResolveInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** The customer confirms the resolution (with an optional rating and comment); the ticket closes. */
  confirmResolution(ref: string, input: ConfirmResolutionInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /**
   * The customer rates a closed ticket (1 to 5, with an optional comment):
   * the closed notice asks for it when the ticket closed without their
   * confirmation. Giving it again replaces it.
   */
  feedback(ref: string, input: FeedbackInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /**
   * Closes a resolved ticket. Fails with `CONFIRMATION_REQUIRED` while the
   * desk requires the customer's confirmation, unless an admin passes `force`.
   */
  close(ref: string, input: CloseInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Sends a resolved or closed ticket back to work. */
  reopen(ref: string, input: ReopenInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** Changes priority, SLA plan, subject, custom fields or custom status. */
  update(ref: string, input: UpdateInput, options: CommandOptions): Promise<Ticket<TFields>>;
  /** One ticket. */
  get(ref: string, options: QueryOptions): Promise<Ticket<TFields>>;
  /** The ticket's conversation, oldest first; customers never see internal entries. */
  thread(ref: string, options: QueryOptions): Promise<ThreadEntry[]>;
  /** The ticket's audit history, oldest first (agents only). */
  history(ref: string, options: QueryOptions): Promise<AuditEvent[]>;
  /**
   * The commands the actor may run on the ticket now, each with the error
   * code it would fail with otherwise — asked of the statechart, so a client
   * can build its buttons without repeating the rules.
   */
  allowedActions(ref: string, options: QueryOptions): Promise<AllowedActions>;
  /** Whether the actor may read this ticket (the rule `get` applies), for filtering a stream of events. */
  canView(ticket: Ticket, options: QueryOptions): Promise<boolean>;
  /**
   * Ranked full-text search over subjects, numbers and threads (agents only,
   * within their departments). Items are summaries, without custom fields.
   */
  search(text: string, options: ListOptions): Promise<Page<TicketSummary>>;
}

/** The work queues. */
export interface QueuesApi {
  /**
   * One page of a queue. Agents see their departments' tickets (admins all);
   * `mine` lists the tickets assigned to the acting agent, or, for a customer,
   * their own tickets. Items are summaries, without custom fields. The work
   * queues (`open`, `mine`, `unassigned`, `overdue`, `awaiting_customer`)
   * come in `priority` order — priority, then the next SLA due time, then
   * the oldest; `resolved`, `closed`, `all` and a customer's own newest first.
   *
   * `departmentId` narrows the queue to one department, the tickets behind a
   * row of {@link QueuesApi.countsByDepartment}: an agent may name only a
   * department they work in (`FORBIDDEN` otherwise), an unknown department is
   * `VALIDATION_FAILED` on `departmentId`, and customers may not filter.
   */
  list(name: QueueName, options: QueueListOptions): Promise<Page<TicketSummary>>;
  /** How many tickets each queue holds for the acting agent. Customers are refused with `FORBIDDEN`. */
  counts(options: QueryOptions): Promise<QueueCounts>;
  /**
   * How many tickets each queue holds, in total (as {@link QueuesApi.counts})
   * and per department the actor may see: an agent's own departments, every
   * department for admins and the system. Departments come sorted by name.
   * Customers are refused with `FORBIDDEN`. One storage call counts every cell.
   *
   * A department's `mine` counts the agent's tickets in that department; the
   * total `mine` also counts tickets assigned to them in other departments,
   * so it can exceed the sum of the rows.
   *
   * @example
   * ```ts
   * const { total, departments } = await desk.queues.countsByDepartment({ actor });
   * for (const department of departments) console.log(department.name, department.counts.open, 'of', total.open);
   * ```
   */
  countsByDepartment(options: QueryOptions): Promise<QueueCountsByDepartment>;
}

/** A help desk, as returned by `createHelpDesk`. */
export interface HelpDesk<TFields = Record<string, unknown>> {
  /** Ticket commands and queries. */
  readonly tickets: TicketsApi<TFields>;
  /** Work queues and their counts. */
  readonly queues: QueuesApi;
  /** Departments. */
  readonly departments: DirectoryApi<'departments', DepartmentInput>;
  /** Teams. */
  readonly teams: DirectoryApi<'teams', TeamInput>;
  /** Agents and admins. */
  readonly agents: DirectoryApi<'agents', AgentInput>;
  /** Business-hours calendars. */
  readonly calendars: DirectoryApi<'calendars', CalendarInput>;
  /** SLA plans. */
  readonly slaPlans: DirectoryApi<'slaPlans', SlaPlanInput>;
  /** Canned responses, and their preview for a ticket. */
  readonly cannedResponses: CannedResponsesApi;
  /** SLA warnings and breaches, auto-close, reminders and notification retries: `runOnce()` or `start()`. */
  readonly scheduler: Scheduler;
  /** The delivery log of notifications, with the dead letter. */
  readonly deliveries: DeliveriesApi;
  /** Customer access tokens: a link that opens one ticket to its requester, without a session. */
  readonly accessTokens: AccessTokensApi;
  /** Committed ticket changes as the storage announces them (every server's, on PostgreSQL). */
  readonly changes: ChangesApi;
  /** The host's custom-field schema (`fields` option), for forms and API documents; `undefined` without one. */
  readonly customFields: StandardSchemaV1 | undefined;
  /** The desk's lifecycle: ask it which events are allowed in a state. */
  readonly lifecycle: Lifecycle;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<E extends TicketkitEventName>(event: E, listener: TicketkitListener<E>): () => void;
  /** Subscribes for one delivery; returns a function that unsubscribes. */
  once<E extends TicketkitEventName>(event: E, listener: TicketkitListener<E>): () => void;
  /**
   * Stops the scheduler, waits for notifications being sent, removes
   * listeners and closes the storage. Closes once: later and concurrent
   * calls return the first call's promise.
   */
  close(): Promise<void>;
}
