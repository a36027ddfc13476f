/**
 * The HTTP API of ticketkit: `createSupportApi(desk, options)` returns a
 * web-standard fetch handler; `toNodeHandler(api)` mounts it in `node:http`
 * and Express.
 *
 * @packageDocumentation
 * @module @ticketkit/server
 */
export {
  type MemoryRateLimitStoreOptions,
  memoryRateLimitStore,
  type RateLimitResult,
  type RateLimitStore,
} from './abuse/rate-limit.js';
export { createSupportApi, type RouteInfo, type SupportApi } from './create-support-api.js';
export type { EventStreamOptions } from './events/event-hub.js';
export type { HttpProblemCode, Problem, ProblemCode, ProblemFieldError } from './http/problem.js';
export { toNodeHandler } from './node/to-node-handler.js';
export type {
  Authenticate,
  CorsOptions,
  CustomerTokenOptions,
  IntakeSchemaOptions,
  RateLimit,
  RateLimitOptions,
  SupportApiOptions,
} from './options.js';
export type { InboundEmailOptions } from './routes/inbound-email.js';
export type { Access } from './routes/route.js';
export {
  generateWebhookSecret,
  STANDARD_WEBHOOK_HEADERS,
  type StandardWebhookData,
  type StandardWebhookHeaders,
  type StandardWebhookMessage,
  type StandardWebhookNotifierOptions,
  type StandardWebhookPayload,
  signStandardWebhook,
  standardWebhookNotifier,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
} from './webhooks/index.js';
