/**
 * The ticketkit core: domain schemas, the lifecycle statechart,
 * `createHelpDesk`, the plugin SDK, the SLA engine, the scheduler, the
 * notification outbox and the memory storage adapter.
 *
 * @packageDocumentation
 * @module @ticketkit/core
 */
export * from './access/index.js';
export * from './desk/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './lifecycle/index.js';
export * from './notify/index.js';
export * from './queues/index.js';
export * from './scheduler/index.js';
export * from './schemas/index.js';
export * from './sdk/index.js';
export * from './sla/index.js';
export * from './storage/index.js';
export * from './templates/index.js';
export { type CustomFieldLimits, DEFAULT_CUSTOM_FIELD_LIMITS } from './tickets/custom-fields.js';
export type { TicketNumberOptions } from './tickets/ticket-numbers.js';
export * from './time/index.js';
