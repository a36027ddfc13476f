import { type ErrorCode, isTicketkitError, type TicketkitError, type ValidationIssue } from '@ticketkit/core';

/**
 * Problem codes of the HTTP layer itself, besides the core's error codes:
 * requests refused before any command runs.
 */
export type HttpProblemCode =
  | 'UNAUTHENTICATED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'ACCESS_REVOKED'
  | 'CSRF_REJECTED'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL_ERROR';

/** Every `code` a problem document can carry. */
export type ProblemCode = ErrorCode | HttpProblemCode;

/** One refused field: its path as a JSON Pointer into the request body, and why. */
export interface ProblemFieldError {
  /** JSON Pointer (RFC 6901) of the field in the request body, e.g. `/requester/email`; `""` for the body as a whole. */
  pointer: string;
  /** The same path as segments. */
  path: (string | number)[];
  /** What is wrong with it. */
  message: string;
}

/** An RFC 9457 problem document, with ticketkit's `code` and details. */
export interface Problem {
  /** A URI naming the problem type. */
  type: string;
  /** A short summary of the problem type. */
  title: string;
  /** The HTTP status. */
  status: number;
  /** What happened, for a person. */
  detail: string;
  /** The machine-readable reason. */
  code: ProblemCode;
  /** `VALIDATION_FAILED`: every refused field. */
  errors?: ProblemFieldError[];
  /** `INVALID_TRANSITION`: what the caller may do now. */
  allowedEvents?: readonly string[];
}

const STATUS: Record<ProblemCode, number> = {
  VALIDATION_FAILED: 422,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  INVALID_TRANSITION: 409,
  CONFIRMATION_REQUIRED: 409,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  STORAGE_FAILED: 503,
  UNAUTHENTICATED: 401,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  ACCESS_REVOKED: 409,
  CSRF_REJECTED: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL_ERROR: 500,
};

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'Invalid request',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Forbidden',
  INVALID_TRANSITION: 'Not allowed in the ticket’s current state',
  CONFIRMATION_REQUIRED: 'The customer has to confirm first',
  CONFLICT: 'Changed meanwhile',
  IDEMPOTENCY_MISMATCH: 'Idempotency key reused for a different request',
  STORAGE_FAILED: 'Storage unavailable',
  UNAUTHENTICATED: 'Authentication required',
  MALFORMED_JSON: 'Malformed JSON',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  REQUEST_TIMEOUT: 'Request body too slow',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  RATE_LIMITED: 'Too many requests',
  ACCESS_REVOKED: 'Access token revoked or expired',
  CSRF_REJECTED: 'Cross-site request refused',
  ROUTE_NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  INTERNAL_ERROR: 'Internal error',
};

/** The HTTP status of a problem code. */
export function statusOf(code: ProblemCode): number {
  return STATUS[code];
}

const escapePointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

/** A core validation issue as a problem field error. */
export function fieldError(issue: ValidationIssue): ProblemFieldError {
  const path = [...issue.path];
  return { pointer: path.map((segment) => `/${escapePointer(segment)}`).join(''), path, message: issue.message };
}

/** Builds a problem document. */
export function problem(code: ProblemCode, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `https://ticketkit.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[code],
    status: STATUS[code],
    detail,
    code,
    ...extra,
  };
}

/** The problem document of a `TicketkitError`: its code, message, field paths and allowed events. */
export function problemOf(error: TicketkitError): Problem {
  return problem(error.code, error.message, {
    ...(error.issues.length ? { errors: error.issues.map(fieldError) } : {}),
    ...(error.allowedEvents ? { allowedEvents: error.allowedEvents } : {}),
  });
}

/** A `Response` carrying a problem document (`application/problem+json`), with optional extra headers. */
export function problemResponse(doc: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(doc), {
    status: doc.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  });
}

/** A thrown value as a problem response: ticketkit errors by their code; anything else is a 500 that says nothing inside. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpProblem) return problemResponse(error.problem, error.headers);
  if (isTicketkitError(error)) return problemResponse(problemOf(error));
  return problemResponse(problem('INTERNAL_ERROR', 'The request failed inside the help desk; it has been logged.'));
}

/** Thrown by the HTTP layer to answer with a problem document. */
export class HttpProblem extends Error {
  /** The problem document. */
  readonly problem: Problem;
  /** Extra response headers (`Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(code: ProblemCode, detail: string, extra: Partial<Problem> = {}, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'HttpProblem';
    this.problem = problem(code, detail, extra);
    this.headers = headers;
  }
}
