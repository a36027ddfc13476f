import type { CountsByDepartment, Delivery, Directory, Page, ThreadEntry, Ticket } from './types.js';

/** A refusal from the API: its problem document's `code`, status and detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The few calls the console makes. Requests carry the host's cookies (its
 * session is the agent's identity) and, on changes, the CSRF header the
 * server accepts from same-site scripts.
 */
export class ConsoleApi {
  constructor(readonly endpoint: string) {}

  async call<T>(method: string, path: string, body?: unknown, version?: number): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers['x-ticketkit-csrf'] = '1';
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (version !== undefined) headers['if-match'] = `"${version}"`;
    const response = await fetch(`${this.endpoint}${path}`, {
      method,
      headers,
      credentials: 'include',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new ApiError(response.status, data?.code ?? 'HTTP_ERROR', data?.detail ?? `HTTP ${response.status}`);
    }
    return data as T;
  }

  directory = () => this.call<Directory>('GET', '/directory');
  counts = () => this.call<CountsByDepartment>('GET', '/queues?by=department');
  /** One page of a queue, narrowed to a department when `departmentId` is given. */
  queue = (name: string, cursor: string | null, limit: number, departmentId: string | null) =>
    this.call<Page<Ticket>>(
      'GET',
      `/queues/${name}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${departmentId ? `&departmentId=${encodeURIComponent(departmentId)}` : ''}`,
    );
  search = (q: string, cursor: string | null, limit: number) =>
    this.call<Page<Ticket>>(
      'GET',
      `/search?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
  ticket = (ref: string) => this.call<Ticket>('GET', `/tickets/${encodeURIComponent(ref)}`);
  thread = async (ref: string) =>
    (await this.call<{ items: ThreadEntry[] }>('GET', `/tickets/${encodeURIComponent(ref)}/thread`)).items;
  deliveries = async (ref: string) =>
    (await this.call<Page<Delivery>>('GET', `/tickets/${encodeURIComponent(ref)}/deliveries`)).items;
  canned = async (ref: string, id: string) =>
    (
      await this.call<{ body: string }>(
        'GET',
        `/tickets/${encodeURIComponent(ref)}/canned-responses/${encodeURIComponent(id)}`,
      )
    ).body;
  /** Runs a command (`/tickets/:ref/<path>`); `version` makes it refuse a ticket that moved on (409 CONFLICT). */
  command = (ref: string, path: string, body: unknown, version?: number) =>
    this.call<Ticket>(
      path === '' ? 'PATCH' : 'POST',
      `/tickets/${encodeURIComponent(ref)}${path ? `/${path}` : ''}`,
      body,
      version,
    );
}
