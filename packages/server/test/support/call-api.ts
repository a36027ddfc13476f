/** What a test reads of an answer: status, ETag, the body as text and as JSON (a problem's `code`, `errors` …). */
export interface ApiAnswer {
  status: number;
  etag: string | null;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the answer holds, and a wrong guess fails the test
  json: any;
}

/** Calls an API's `fetch` the way a client does: a JSON body when one is given, the headers as they are. */
export function apiCaller(api: { fetch(request: Request): Promise<Response> }) {
  return async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await api.fetch(
      new Request(`http://desk.test${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    return {
      status: response.status,
      etag: response.headers.get('etag'),
      headers: response.headers,
      text,
      json: text ? JSON.parse(text) : null,
    } satisfies ApiAnswer as ApiAnswer;
  };
}
