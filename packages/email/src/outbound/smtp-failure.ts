import { PermanentDeliveryError } from '@ticketkit/core';

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

const TIMEOUTS = new Set(['ETIMEDOUT', 'ETIMEOUT', 'ESOCKETTIMEDOUT', 'ECONNECTION', 'ESOCKET', 'ECONNREFUSED']);

/**
 * Turns a nodemailer failure into the outbox's contract, with the server's
 * answer in the message (it lands in the delivery log): a 5xx answer is a
 * {@link PermanentDeliveryError} (dead-lettered now), a 4xx answer, a
 * timeout or a lost connection an ordinary error (retried with backoff).
 */
export function smtpFailure(error: unknown): Error {
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpError;
  const answer = (failure.response ?? failure.message ?? 'unknown error').replace(/\s+/g, ' ').trim();
  const during = failure.command ? ` (after ${failure.command})` : '';
  const code = failure.responseCode;
  if (code !== undefined && code >= 500) {
    return new PermanentDeliveryError(`SMTP ${code} permanent failure${during}: ${answer}`, { cause: error });
  }
  if (code !== undefined && code >= 400) {
    return new Error(`SMTP ${code} temporary failure${during}, will retry: ${answer}`, { cause: error });
  }
  if (failure.code && TIMEOUTS.has(failure.code)) {
    return new Error(`SMTP ${failure.code}, will retry: ${answer}`, { cause: error });
  }
  return new Error(`SMTP failure${during}: ${answer}`, { cause: error });
}
