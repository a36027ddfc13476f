export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export {
  type ConflictTarget,
  conflictError,
  describeIssues,
  isTicketkitError,
  TICKETKIT_ERROR_BRAND,
  TicketkitError,
  type TicketkitErrorDetails,
  type TicketkitErrorOptions,
  type ValidationIssue,
  validationError,
} from './ticketkit-error.js';
