import {
  type Actor,
  type HelpDesk,
  type StorageChange,
  type Ticket,
  type TicketkitEventName,
  validationError,
} from '@ticketkit/core';
import * as z from 'zod';
import { changeEventId, eventOfChange, isChangeEventId } from './change-frames.js';

/** Options of `GET /events`, the agents' live stream (`events` in `createSupportApi`'s options). */
export interface EventStreamOptions {
  /**
   * How often an idle stream gets a comment line, so proxies and browsers keep it open.
   * @default 15000
   */
  heartbeatMs?: number;
  /**
   * How many recent events this process keeps for `Last-Event-ID` resume. A
   * client that was away longer (or asks after a restart) gets a `reset`
   * event and reloads what it shows.
   * @default 1000
   */
  bufferSize?: number;
  /**
   * Where the events come from. `desk`: this process's desk events (the
   * commands run through this server). `storage`: the storage's change feed
   * (`desk.changes`), so changes committed through any server on the same
   * storage reach this server's agents, under ids every server shares.
   * `auto`: `storage` when that feed carries every process's commits
   * (PostgreSQL), else `desk`.
   * @default 'auto'
   */
  source?: 'auto' | 'desk' | 'storage';
}

/** Checks {@link EventStreamOptions}. */
export const eventStreamOptionsSchema = z.strictObject({
  heartbeatMs: z.number().int().min(10).max(300_000).optional(),
  bufferSize: z.number().int().min(1).max(100_000).optional(),
  source: z.enum(['auto', 'desk', 'storage']).optional(),
});

/** The desk events the stream carries: everything that changes a ticket an agent may be looking at. */
export const STREAMED_EVENTS = [
  'ticket.created',
  'ticket.assigned',
  'ticket.unassigned',
  'ticket.transferred',
  'ticket.replied',
  'ticket.noted',
  'ticket.status_changed',
  'ticket.resolved',
  'ticket.closed',
  'ticket.feedback',
  'ticket.reopened',
  'ticket.updated',
  'sla.warning',
  'sla.breached',
] as const satisfies readonly TicketkitEventName[];

/** An event ready to send: the ticket it is about (for the access check) and its SSE frame. */
interface Resolved {
  ticket: Ticket;
  frame: string;
}

/** One event as the stream keeps it: its place, its id, and how to get its frame. */
interface Recorded {
  seq: number;
  id: string;
  /** The ticket and frame, built when first sent (intake does not pay for it while nobody listens); `null`: skip it. */
  resolve(): Promise<Resolved | null>;
}

/** A connected client: who it is and where its frames go. */
export interface StreamClient {
  actor: Actor;
  send(frame: string): void;
}

/** What a (re)connecting client gets first. */
export type ResumePlan = { kind: 'replay'; events: readonly Recorded[] } | { kind: 'reset'; reason: string };

const resetFrame = (reason: string) => `event: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
const frameOf = (id: string, name: string, data: Record<string, unknown>) =>
  `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify({ id, type: name, ...data })}\n\n`;

/**
 * Fans events out to the connected agents, each filtered by the desk's own
 * access rule (`desk.tickets.canView`), and keeps the last `bufferSize` in a
 * ring for `Last-Event-ID` resume.
 *
 * From the desk (one process), ids are `<epoch>-<sequence>`: the epoch is
 * drawn per process, so an id from before a restart (or from another
 * server) is answered with `reset` instead of silently missing events.
 *
 * From storage, ids are `<ticket id>:<version>`, the same on every server;
 * every server hears the changes in commit order (PostgreSQL delivers
 * notifications so), so its ring holds them in the same order as every
 * other's, and a client may resume on any server that already heard its
 * last event. Otherwise (older than the ring, or before that server started
 * listening) it gets `reset`, never a silent gap.
 */
export class EventHub {
  readonly heartbeatMs: number;
  /** Where the events come from (`auto` resolved). */
  readonly source: 'desk' | 'storage';
  /** Resolves once the hub listens (at once from the desk; after the first subscribe attempt from storage). */
  readonly ready: Promise<void>;
  private readonly bufferSize: number;
  private readonly ring: Recorded[] = [];
  // Storage event ids to their place in the ring.
  private readonly index = new Map<string, number>();
  private readonly clients = new Set<StreamClient>();
  // Per client, the filter checks run one after another so frames keep their order.
  private readonly queues = new WeakMap<StreamClient, Promise<void>>();
  private readonly epoch = Math.random().toString(36).slice(2, 10);
  private seq = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly desk: HelpDesk,
    options: EventStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.bufferSize = options.bufferSize ?? 1_000;
    const wanted = options.source ?? 'auto';
    if (wanted === 'storage' && !desk.changes.available) {
      throw validationError(
        [
          {
            path: ['events', 'source'],
            message: "the desk's storage has no change feed (subscribe): use 'desk' or 'auto'",
          },
        ],
        'createSupportApi options',
      );
    }
    this.source = wanted === 'storage' || (wanted === 'auto' && desk.changes.shared) ? 'storage' : 'desk';
    if (this.source === 'storage') {
      this.ready = this.listenToStorage(0);
    } else {
      for (const name of STREAMED_EVENTS) {
        this.unsubscribe.push(desk.on(name, (payload) => this.recordDeskEvent(name, payload as { ticket: Ticket })));
      }
      this.ready = Promise.resolve();
    }
  }

  /** How many clients are connected (for tests and metrics). */
  get connected(): number {
    return this.clients.size;
  }

  /** Subscribes to the storage's feed; a failure (storage unreachable) is retried with backoff until `close()`. */
  private async listenToStorage(attempt: number): Promise<void> {
    try {
      const stop = await this.desk.changes.subscribe((change) => this.recordChange(change));
      if (this.closed) void stop().catch(() => {});
      else this.unsubscribe.push(() => void stop().catch(() => {}));
    } catch {
      if (this.closed) return;
      const retry = setTimeout(() => void this.listenToStorage(attempt + 1), Math.min(30_000, 500 * 2 ** attempt));
      retry.unref?.();
      this.unsubscribe.push(() => clearTimeout(retry));
    }
  }

  private push(recorded: Recorded) {
    this.ring.push(recorded);
    if (this.source === 'storage') this.index.set(recorded.id, recorded.seq);
    if (this.ring.length > this.bufferSize) {
      const dropped = this.ring.shift();
      if (dropped) this.index.delete(dropped.id);
    }
    for (const client of this.clients) this.deliver(client, recorded);
  }

  private recordDeskEvent(name: string, payload: { ticket: Ticket } & Record<string, unknown>) {
    const seq = ++this.seq;
    const id = `${this.epoch}-${seq}`;
    let resolved: Promise<Resolved> | undefined;
    this.push({
      seq,
      id,
      resolve: () => {
        resolved ??= Promise.resolve({ ticket: payload.ticket, frame: frameOf(id, name, payload) });
        return resolved;
      },
    });
  }

  private recordChange(change: StorageChange) {
    if (change.type === 'resync') {
      // Changes were missed while the storage connection was down: nothing in the ring can be resumed across.
      this.ring.length = 0;
      this.index.clear();
      for (const client of this.clients) {
        this.enqueue(client, async () =>
          client.send(resetFrame('The server missed changes (storage reconnected): reload.')),
        );
      }
      return;
    }
    const name = eventOfChange(change);
    if (!name) return;
    const id = changeEventId(change);
    let resolving: Promise<Resolved | null> | undefined;
    const read = async (): Promise<Resolved | null> => {
      try {
        // The ticket as it is now: the notice carries no ticket (NOTIFY payloads are small).
        const ticket = await this.desk.tickets.get(change.ticketId, { actor: { type: 'system' } });
        const { at, actor, version, commands } = change;
        return { ticket, frame: frameOf(id, name, { ticket, at, actor, version, commands }) };
      } catch {
        // Storage unreachable for the read: let a later delivery try again.
        resolving = undefined;
        return null;
      }
    };
    this.push({ seq: ++this.seq, id, resolve: () => (resolving ??= read()) });
  }

  private enqueue(client: StreamClient, work: () => Promise<void>) {
    const previous = this.queues.get(client) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (this.clients.has(client)) await work();
      })
      // A failed check (the directory unreachable) drops that one frame, never the stream.
      .catch(() => {});
    this.queues.set(client, next);
  }

  private deliver(client: StreamClient, recorded: Recorded) {
    this.enqueue(client, async () => {
      const event = await recorded.resolve();
      if (event && (await this.desk.tickets.canView(event.ticket, { actor: client.actor }))) client.send(event.frame);
    });
  }

  /** What to send a client resuming after `lastEventId` (`null`: a fresh connection). */
  private resumePlan(lastEventId: string | null): ResumePlan {
    if (lastEventId === null) return { kind: 'replay', events: [] };
    return this.source === 'storage' ? this.resumeFromStorage(lastEventId) : this.resumeFromDesk(lastEventId);
  }

  private resumeFromDesk(lastEventId: string): ResumePlan {
    const match = /^([a-z0-9]+)-(\d{1,15})$/.exec(lastEventId);
    if (!match || match[1] !== this.epoch) {
      return { kind: 'reset', reason: 'The stream restarted since that event: reload.' };
    }
    const last = Number(match[2]);
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (last > this.seq) return { kind: 'reset', reason: 'No such event: reload.' };
    if (last < oldest - 1) return { kind: 'reset', reason: 'Events since then are no longer kept: reload.' };
    return { kind: 'replay', events: this.ring.filter((event) => event.seq > last) };
  }

  private resumeFromStorage(lastEventId: string): ResumePlan {
    const last = this.index.get(lastEventId);
    if (last === undefined) {
      return {
        kind: 'reset',
        reason: isChangeEventId(lastEventId)
          ? 'Events since then are no longer kept here (older than this server remembers, or before it listened): reload.'
          : 'No such event: reload.',
      };
    }
    return { kind: 'replay', events: this.ring.filter((event) => event.seq > last) };
  }

  /**
   * Connects a client: first what it missed since `lastEventId` (filtered
   * like the rest) or a `reset` frame, then every new event. Returns the
   * function that disconnects it.
   */
  connect(client: StreamClient, lastEventId: string | null): () => void {
    const plan = this.resumePlan(lastEventId);
    // Registered in the same tick as the replay is queued: no event can fall between the two.
    this.clients.add(client);
    if (plan.kind === 'reset') {
      client.send(resetFrame(plan.reason));
    } else {
      for (const event of plan.events) this.deliver(client, event);
    }
    return () => {
      this.clients.delete(client);
    };
  }

  /** Stops listening to the desk (or the storage). */
  close(): void {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.clients.clear();
  }
}
