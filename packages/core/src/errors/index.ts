export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export {
  type ConflictTarget,
  conflictError,
  describeIssues,
  isTicketkitError,
  TicketkitError,
  type TicketkitErrorDetails,
  type TicketkitErrorOptions,
  type ValidationIssue,
  validationError,
} from './ticketkit-error.js';
