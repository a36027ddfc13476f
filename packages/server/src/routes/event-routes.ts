import * as z from 'zod';
import type { EventHub } from '../events/event-hub.js';
import { STREAMED_EVENTS } from '../events/event-hub.js';
import { agentTicketSchema } from '../views/agent-ticket.js';
import type { RouteSpec } from './route.js';

/** What each `data:` line of `GET /events` holds (documentation: the frames are text/event-stream). */
export const streamEventSchema = z.object({
  /** The event id, also on the frame's `id:` line; send it back as `Last-Event-ID` to resume. */
  id: z.string(),
  type: z.enum(STREAMED_EVENTS),
  /** The ticket as committed (without `actions`: fetch the ticket for those). */
  ticket: agentTicketSchema.omit({ actions: true }),
  at: z.string(),
  /** Who made the change; `null` from storage when the change recorded no one. */
  actor: z.record(z.string(), z.unknown()).nullable(),
  /** From storage: the ticket version the change produced (the frame's `ticket` may be newer). */
  version: z.number().int().optional(),
  /** From storage: the commands the change ran, with their statechart events. */
  commands: z.array(z.object({ command: z.string(), event: z.string().nullable() })).optional(),
});

const encoder = new TextEncoder();

/** `GET /events`: server-sent events for agents, filtered by what each may see, with `Last-Event-ID` resume. */
export function eventRoutes(hub: EventHub): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/events',
      operationId: 'events',
      summary:
        'Server-sent events (text/event-stream) of the tickets the agent may see: `ticket.*` and `sla.*`, each frame with an `id`. Reconnect with `Last-Event-ID` to get what was missed; if the server no longer has it (restart, or more than its buffer), an `event: reset` frame says to reload. On storage with a shared change feed (PostgreSQL) the stream carries changes made through every server, one frame per change, with ids (`<ticket id>:<version>`) that every server knows, so a client may resume on another server. A comment line every 15 s keeps the connection open.',
      access: 'agent',
      headers: [{ name: 'Last-Event-ID', description: 'The id of the last event received, to resume after it.' }],
      responses: {
        200: { description: 'The event stream.', schema: streamEventSchema, contentType: 'text/event-stream' },
      },
      async handle({ request, identity }) {
        if (identity.kind !== 'session') throw new Error('checkAccess admits only signed-in agents here');
        const actor = identity.actor;
        // From storage, the first request waits for the subscription: events before it would be missed.
        await hub.ready;
        let stop = () => {};
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            let open = true;
            const send = (text: string) => {
              if (!open) return;
              try {
                controller.enqueue(encoder.encode(text));
              } catch {
                stop();
              }
            };
            const heartbeat = setInterval(() => send(': heartbeat\n\n'), hub.heartbeatMs);
            heartbeat.unref?.();
            const disconnect = hub.connect({ actor, send }, request.headers.get('last-event-id'));
            stop = () => {
              if (!open) return;
              open = false;
              clearInterval(heartbeat);
              disconnect();
              request.signal.removeEventListener('abort', stop);
            };
            // The reconnect delay browsers use, then a comment so the headers go out now.
            send('retry: 3000\n: connected\n\n');
            request.signal.addEventListener('abort', stop);
          },
          cancel() {
            stop();
          },
        });
        return new Response(body, {
          status: 200,
          headers: {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            'x-accel-buffering': 'no',
          },
        });
      },
    },
  ];
}
