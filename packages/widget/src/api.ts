/** One refused field of a 422, as the server names it. */
export interface FieldError {
  /** Path of the field in the request body, e.g. `['requester', 'email']`. */
  path: (string | number)[];
  /** Why it was refused. */
  message: string;
}

/** An error answer from the API (an RFC 9457 problem), or a network failure (`status` 0). */
export class ApiError extends Error {
  /** The HTTP status; 0 when the request never got an answer. */
  status: number;
  /** The problem's `code`, e.g. `VALIDATION_FAILED`. */
  code: string;
  /** The refused fields of a 422. */
  errors: FieldError[];
  /** Seconds to wait, from `Retry-After`. */
  retryAfter: number;
  constructor(status: number, problem: { code?: string; detail?: string; errors?: FieldError[] }, retryAfter = 0) {
    super(problem.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem.code ?? (status ? `HTTP_${status}` : 'NETWORK');
    this.errors = problem.errors ?? [];
    this.retryAfter = retryAfter;
  }
  /** Whether sending the same request again may succeed (network, 408, 429, 5xx). */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** How a request is sent. */
export interface CallOptions {
  /** `GET` unless a body is given. */
  method?: string;
  /** A JSON body. */
  body?: unknown;
  /** An access token, sent as `Authorization: Bearer`. */
  token?: string | undefined;
  /** The `Idempotency-Key` header. */
  key?: string;
  /** Send the host's cookies (an identified user). */
  cookies?: boolean;
}

/** Calls the ticketkit API at `endpoint` and returns its JSON; throws {@link ApiError}. */
export async function call<T>(endpoint: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  // Cookie-authenticated changes need it (the server's CSRF check); harmless otherwise.
  if (method !== 'GET' && options.cookies) headers['x-ticketkit-csrf'] = '1';
  let response: Response;
  try {
    response = await fetch(endpoint.replace(/\/$/, '') + path, {
      method,
      headers,
      credentials: options.cookies ? 'include' : 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError(0, {});
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data, Number(response.headers.get('retry-after')) || 0);
  return data as T;
}

/** What the widget shows while it waits to try again. */
export type WaitReason = 'offline' | 'retry' | 'limited';

/**
 * Runs `attempt` until the server answers: on a transient failure it waits
 * (offline: until `online`; 429: `Retry-After`; else backoff 1 s, 2 s, 4 s …
 * 30 s, cut short by `online`) and tries again. A definitive error (422, 404,
 * 413 …) is thrown. `alive()` false stops the loop (the element was removed).
 */
export async function deliver<T>(
  attempt: () => Promise<T>,
  onWait: (reason: WaitReason, seconds: number) => void,
  alive: () => boolean,
): Promise<T> {
  for (let round = 0; ; round++) {
    if (!navigator.onLine) {
      onWait('offline', 0);
      await new Promise((resolve) => addEventListener('online', resolve, { once: true }));
    }
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.transient || !alive()) throw error;
      const seconds = error.status === 429 ? Math.max(1, error.retryAfter) : Math.min(30, 2 ** Math.min(round, 5));
      onWait(error.status === 429 ? 'limited' : navigator.onLine ? 'retry' : 'offline', seconds);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          removeEventListener('online', done);
          resolve();
        };
        const timer = setTimeout(done, seconds * 1000);
        if (error.status !== 429) addEventListener('online', done);
      });
      if (!alive()) throw error;
    }
  }
}
