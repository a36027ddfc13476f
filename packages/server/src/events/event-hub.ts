import type { Actor, HelpDesk, Ticket, TicketkitEventName } from '@ticketkit/core';
import * as z from 'zod';

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
}

/** Checks {@link EventStreamOptions}. */
export const eventStreamOptionsSchema = z.strictObject({
  heartbeatMs: z.number().int().min(10).max(300_000).optional(),
  bufferSize: z.number().int().min(1).max(100_000).optional(),
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

/** One event as the stream sends it: its id and the text of its SSE frame. */
interface Recorded {
  seq: number;
  ticket: Ticket;
  /** The SSE frame, serialized when first sent (intake does not pay for it while nobody listens). */
  frame(): string;
}

/** A connected client: who it is and where its frames go. */
export interface StreamClient {
  actor: Actor;
  send(frame: string): void;
}

/** What a (re)connecting client gets first. */
export type ResumePlan = { kind: 'replay'; events: readonly Recorded[] } | { kind: 'reset'; reason: string };

/**
 * Fans the desk's events out to the connected agents, each filtered by the
 * desk's own access rule (`desk.tickets.canView`), and keeps the last
 * `bufferSize` in a ring for `Last-Event-ID` resume. Ids are
 * `<epoch>-<sequence>`: the epoch is drawn per process, so an id from before
 * a restart (or from another server) is recognised and answered with `reset`
 * instead of silently missing events.
 */
export class EventHub {
  readonly heartbeatMs: number;
  private readonly bufferSize: number;
  private readonly ring: Recorded[] = [];
  private readonly clients = new Set<StreamClient>();
  // Per client, the filter checks run one after another so frames keep their order.
  private readonly queues = new WeakMap<StreamClient, Promise<void>>();
  private readonly epoch = Math.random().toString(36).slice(2, 10);
  private seq = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly desk: HelpDesk,
    options: EventStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.bufferSize = options.bufferSize ?? 1_000;
    for (const name of STREAMED_EVENTS) {
      this.unsubscribe.push(desk.on(name, (payload) => this.record(name, payload as { ticket: Ticket })));
    }
  }

  /** How many clients are connected (for tests and metrics). */
  get connected(): number {
    return this.clients.size;
  }

  private record(name: string, payload: { ticket: Ticket } & Record<string, unknown>) {
    const seq = ++this.seq;
    const id = `${this.epoch}-${seq}`;
    let frame: string | undefined;
    const recorded = {
      seq,
      ticket: payload.ticket,
      frame: () => {
        frame ??= `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify({ id, type: name, ...payload })}\n\n`;
        return frame;
      },
    };
    this.ring.push(recorded);
    if (this.ring.length > this.bufferSize) this.ring.shift();
    for (const client of this.clients) this.deliver(client, recorded);
  }

  private deliver(client: StreamClient, recorded: Recorded) {
    const previous = this.queues.get(client) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (!this.clients.has(client)) return;
        if (await this.desk.tickets.canView(recorded.ticket, { actor: client.actor })) client.send(recorded.frame());
      })
      // A failed check (the directory unreachable) drops that one frame, never the stream.
      .catch(() => {});
    this.queues.set(client, next);
  }

  /** What to send a client resuming after `lastEventId` (`null`: a fresh connection). */
  private resumePlan(lastEventId: string | null): ResumePlan {
    if (lastEventId === null) return { kind: 'replay', events: [] };
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
      client.send(`event: reset\ndata: ${JSON.stringify({ reason: plan.reason })}\n\n`);
    } else {
      for (const event of plan.events) this.deliver(client, event);
    }
    return () => {
      this.clients.delete(client);
    };
  }

  /** Stops listening to the desk. */
  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.clients.clear();
  }
}
