/**
 * Tools for plugin authors: the storage conformance suite every adapter runs,
 * and fixtures to build rows with.
 *
 * @packageDocumentation
 * @module @ticketkit/core/testing
 */
export {
  listedIds,
  makeAuditEvent,
  makeDelivery,
  makeOutboxMessage,
  makeThreadEntry,
  makeTicket,
} from './fixtures.js';
export {
  type ConformanceSubject,
  type ConformanceTestFunction,
  runStorageConformance,
  STORAGE_CONFORMANCE_TESTS,
  type StorageBackdoor,
  type StorageConformanceOptions,
} from './storage-conformance.js';
