import { HttpProblem } from '../http/problem.js';
import type { ResolvedOptions } from '../options.js';

/** One resolved rate limit: at most `limit` hits per `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/**
 * Counts a hit on `bucket:key` in the options' store and refuses it past the
 * rule with a 429 problem and `Retry-After`; `what` says in the problem what
 * there were too many of.
 */
export async function rateLimit(
  options: ResolvedOptions,
  bucket: string,
  key: string,
  rule: RateRule,
  what = 'Too many requests from this address',
): Promise<void> {
  const result = await options.rateLimitStore.hit(`${bucket}:${key}`, rule.limit, rule.windowMs, Date.now());
  if (!result.allowed) {
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1_000));
    throw new HttpProblem('RATE_LIMITED', `${what}: try again in ${seconds} s`, {}, { 'retry-after': String(seconds) });
  }
}
