import type { ErrorCode } from './error-codes.js';

/** One reason an input was refused, with the path of the field it concerns. */
export interface ValidationIssue {
  /** Path of the offending field, e.g. `['requester', 'email']`; empty for the input as a whole. */
  readonly path: readonly (string | number)[];
  /** What is wrong with the value, written for a person. */
  readonly message: string;
}

/** What a storage write collided with when it failed with `CONFLICT`. */
export type ConflictTarget = 'version' | 'number' | 'idempotency' | 'record' | 'delivery';

/** Structured details that travel with some error codes. */
export interface TicketkitErrorDetails {
  /** `VALIDATION_FAILED`: every refused field. */
  issues?: readonly ValidationIssue[];
  /** `INVALID_TRANSITION`: the events the acting principal may send in the ticket's current state. */
  allowedEvents?: readonly string[];
  /** `INVALID_TRANSITION`: the event that was refused. */
  event?: string;
  /** `INVALID_TRANSITION`: the ticket's status when the event was refused. */
  status?: string;
  /** `CONFLICT`: what the write collided with. */
  target?: ConflictTarget;
  /** `CONFLICT`: the version the command expected and the version it found, when known. */
  expectedVersion?: number;
  /** `CONFLICT`: the version stored when the command ran, when known. */
  actualVersion?: number;
}

/**
 * The brand every {@link TicketkitError} carries, registered globally with `Symbol.for` so that two copies of
 * `@ticketkit/core` in one process (a host that ended up with a second copy under a package's own
 * `node_modules`) still recognise each other's errors: `instanceof` compares classes, and each copy has its own.
 */
export const TICKETKIT_ERROR_BRAND: unique symbol = Symbol.for('ticketkit.error');

/** Options accepted by the {@link TicketkitError} constructor. */
export interface TicketkitErrorOptions extends TicketkitErrorDetails {
  /** The underlying error, kept for logs and debugging. */
  cause?: unknown;
}

/**
 * The one error class ticketkit throws. Switch on `code`; read `issues`,
 * `allowedEvents` or `target` for the details each code carries.
 *
 * @example
 * ```ts
 * try {
 *   await desk.tickets.close(ref, {}, { actor });
 * } catch (error) {
 *   if (isTicketkitError(error, 'CONFIRMATION_REQUIRED')) askTheCustomerFirst();
 *   else throw error;
 * }
 * ```
 */
export class TicketkitError extends Error {
  /** `instanceof TicketkitError` holds for any error carrying the brand, whichever copy of core built it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(value);
  }

  /** Marks the error as ticketkit's across copies of this package (see {@link TICKETKIT_ERROR_BRAND}). */
  declare readonly [TICKETKIT_ERROR_BRAND]: true;

  /** The machine-readable reason, one of {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** `VALIDATION_FAILED`: the refused fields with their paths. Empty for other codes. */
  readonly issues: readonly ValidationIssue[];
  /** `INVALID_TRANSITION`: the events allowed now for the acting principal. */
  readonly allowedEvents: readonly string[] | undefined;
  /** Further structured details (event, status, conflict target, versions). */
  readonly details: TicketkitErrorDetails;

  constructor(code: ErrorCode, message: string, options: TicketkitErrorOptions = {}) {
    const { cause, ...details } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TicketkitError';
    this.code = code;
    this.issues = details.issues ?? [];
    this.allowedEvents = details.allowedEvents;
    this.details = details;
  }

  /** A plain object for logs and HTTP problem documents (no stack, no cause). */
  toJSON(): { code: ErrorCode; message: string } & TicketkitErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }
}

// On the prototype, not each instance: the brand costs nothing per error and stays out of JSON and spreads.
Object.defineProperty(TicketkitError.prototype, TICKETKIT_ERROR_BRAND, { value: true });

function isBranded(value: unknown): value is TicketkitError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [TICKETKIT_ERROR_BRAND]?: unknown })[TICKETKIT_ERROR_BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Whether `error` is a {@link TicketkitError}, optionally with the given code. Recognises errors built by
 * another copy of `@ticketkit/core` too (by {@link TICKETKIT_ERROR_BRAND}), so use this rather than
 * `instanceof` wherever an error may come from a plugin or an adapter.
 */
export function isTicketkitError(error: unknown, code?: ErrorCode): error is TicketkitError {
  return isBranded(error) && (code === undefined || error.code === code);
}

/** Formats issues as `path: message` lines, the way error messages quote them. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`).join('; ');
}

/** A `VALIDATION_FAILED` error whose message names every refused field. */
export function validationError(issues: readonly ValidationIssue[], what = 'input'): TicketkitError {
  return new TicketkitError('VALIDATION_FAILED', `Invalid ${what}: ${describeIssues(issues)}`, { issues });
}

/** A `CONFLICT` error, thrown by storage adapters when a write collides. */
export function conflictError(
  target: ConflictTarget,
  message: string,
  details: TicketkitErrorDetails = {},
): TicketkitError {
  return new TicketkitError('CONFLICT', message, { ...details, target });
}
