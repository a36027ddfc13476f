/** What the HTTP load suite and its server process (bench/lib/http-server.ts) say to each other. */

/** Messages from the server process. */
export type ServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'usage'; cpuMs: number; tickets: number }
  | { type: 'direct'; tickets: number; seconds: number }
  | { type: 'closed' };

/**
 * Messages to the server process: report CPU time and tickets; open tickets
 * for `seconds` by calling the desk directly, `concurrency` at a time, the way
 * intake does (the baseline of the HTTP figures); or shut down.
 */
export type SuiteMessage = 'usage' | { type: 'direct'; seconds: number; concurrency: number } | 'close';

/** The header the benchmark's `authenticate` hook reads an agent's id from (a stand-in for the host's session). */
export const AGENT_HEADER = 'x-bench-agent';
