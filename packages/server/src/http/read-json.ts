import { HttpProblem } from './problem.js';

/** How much of a request body the API reads. */
export interface BodyLimits {
  /** Larger bodies are refused with 413 before they are read in full. */
  maxBodyBytes: number;
  /** Deeper JSON is refused with 422 before it is parsed. */
  maxJsonDepth: number;
  /** A body still arriving this long after reading began is refused with 408 (and the connection closed). */
  bodyTimeoutMs: number;
}

/** Whether a Content-Type is JSON in UTF-8 (the only charset JSON has: RFC 8259). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || /^charset="?utf-8"?$/.test(parameter));
}

// The client went away mid-body, or its stream failed: a bad request, not a fault of the desk (no 500).
const unreadable = () => new HttpProblem('MALFORMED_JSON', 'The body could not be read to its end');

const tooSlow = (ms: number) =>
  // `Connection: close`: the client is still sending, and the socket is not kept for its next request.
  new HttpProblem('REQUEST_TIMEOUT', `The body did not arrive within ${ms} ms`, {}, { connection: 'close' });

/**
 * Reads the body within `timeoutMs`: a client sending it at a byte a second
 * would otherwise hold the handler (and its socket) until the server's own
 * request timeout, 300 s by default in Node. At most `max` bytes (413 beyond),
 * without trusting the Content-Length.
 */
export async function readInTime(request: Request, max: number, timeoutMs: number): Promise<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const controller = new AbortController();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(tooSlow(timeoutMs));
    }, timeoutMs);
  });
  const reading = readCapped(request, max, controller.signal);
  // Once the deadline has answered, the read may still fail when the socket closes: nobody waits for it then.
  reading.catch(() => undefined);
  try {
    return await Promise.race([reading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(request: Request, max: number, signal: AbortSignal): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    throw new HttpProblem('PAYLOAD_TOO_LARGE', `The body may be at most ${max} bytes`);
  }
  if (declared !== null && /^\d+$/.test(declared)) {
    // HTTP's framing ends the body at its Content-Length, so it is read in one go: `request.body` would make
    // @hono/node-server build a full Request around a web stream of the socket first (measured: 0.08 ms a request).
    const bytes = new Uint8Array(
      await request.arrayBuffer().catch(() => {
        throw unreadable();
      }),
    );
    if (bytes.byteLength > max) throw new HttpProblem('PAYLOAD_TOO_LARGE', `The body may be at most ${max} bytes`);
    return bytes;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => undefined), { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let read: Awaited<ReturnType<typeof reader.read>>;
    try {
      read = await reader.read();
    } catch {
      throw unreadable();
    }
    const { done, value } = read;
    if (done) break;
    total += value.byteLength;
    // A body without (or lying about) Content-Length is cut off as soon as it passes the limit.
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new HttpProblem('PAYLOAD_TOO_LARGE', `The body may be at most ${max} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The deepest nesting of arrays and objects in a JSON text, read in one pass that skips strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/**
 * Reads a request's JSON body within the limits: the media type (415), the
 * size (413: a Content-Length over the limit before reading anything; a body
 * without one counted while it streams in and cut off at the limit), the
 * time it takes to arrive (408), UTF-8
 * (400), the nesting depth (422, before parsing, so no parser recursion is
 * ever at the client's mercy) and the syntax (400).
 */
export async function readJson(request: Request, limits: BodyLimits): Promise<unknown> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new HttpProblem(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as application/json (UTF-8)',
      {},
      { 'accept-post': 'application/json', 'accept-patch': 'application/json' },
    );
  }
  const bytes = await readInTime(request, limits.maxBodyBytes, limits.bodyTimeoutMs);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpProblem('MALFORMED_JSON', 'The body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpProblem('MALFORMED_JSON', 'A JSON body is required');
  const depth = jsonDepth(text);
  if (depth > limits.maxJsonDepth) {
    throw new HttpProblem('VALIDATION_FAILED', `The body nests deeper than ${limits.maxJsonDepth} levels`, {
      errors: [{ pointer: '', path: [], message: `nests deeper than ${limits.maxJsonDepth} levels` }],
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpProblem('MALFORMED_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
}
