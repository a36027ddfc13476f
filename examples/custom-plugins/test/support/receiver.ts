import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent: what a signature is checked against. */
  body: string;
  /** Whether the receiver has answered it. */
  answered: boolean;
  /** Whether the client went away before the receiver answered (the sender aborted). */
  abandoned: boolean;
}

/** How the receiver answers a request: a status code (with an optional body), a redirect, or never. */
export type Answer = number | { status: number; body?: string; location?: string } | 'hang';

/** A real HTTP server on 127.0.0.1 that records what it receives. */
export interface Receiver {
  /** Its URL, with `path`. */
  url: string;
  /** Every request so far, in order of arrival. */
  requests: ReceivedRequest[];
  /** Stops it, cutting requests it still holds. */
  close(): Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1; `answer` decides each response. */
export async function startReceiver(
  answer: (request: ReceivedRequest, earlier: readonly ReceivedRequest[]) => Answer,
  path = '/hooks/ticketkit',
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      answered: false,
      abandoned: false,
    };
    const earlier = [...requests];
    requests.push(request);
    res.on('close', () => {
      if (!request.answered) request.abandoned = true;
    });
    const reply = answer(request, earlier);
    if (reply === 'hang') return;
    const { status, body, location } = typeof reply === 'number' ? { status: reply } : reply;
    request.answered = true;
    res.writeHead(status, location ? { location } : {}).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
