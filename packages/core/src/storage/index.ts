export {
  type CountCell,
  countCellOf,
  DUE_CLAIM_PREFIX,
  rankSearchMatches,
  type SearchMatch,
  sameCountCell,
  storageBatchSize,
} from './adapter-helpers.js';
export { localChangeListeners, ticketChangeOf } from './change-announcements.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export {
  DELIVERY_STATUSES,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryClaim,
  type DeliveryListQuery,
  type DeliveryStatus,
  type LeaseRequest,
  type OutboxDeferral,
  type OutboxDispatch,
  type OutboxQuery,
} from './delivery-records.js';
export { type MemoryStorage, type MemoryStorageState, memoryStorage } from './memory-storage.js';
export {
  compareQueuePositions,
  decodeQueueCursor,
  encodeQueueCursor,
  nextDueAt,
  PRIORITY_RANKS,
  type QueueOrderFields,
  type QueuePosition,
  queuePosition,
} from './queue-order.js';
export {
  ACCESS_TOKEN_STORAGE_METHODS,
  type AccessTokenRecord,
  type ChangeSet,
  DELIVERY_STORAGE_METHODS,
  DUE_CLAIM_STORAGE_METHODS,
  type DueTicketClaim,
  type DueTicketQuery,
  type IdempotencyRecord,
  type NotificationAudience,
  type OutboxMessage,
  type OutboxStatus,
  type Page,
  type PlannedNotification,
  REQUIRED_STORAGE_METHODS,
  type StorageAdapter,
  type TicketFilter,
  type TicketListQuery,
  type TicketLookup,
  type TicketOrder,
  type TicketSearchQuery,
  type TicketWrite,
} from './storage-adapter.js';
export type {
  ResyncChange,
  StorageChange,
  StorageChangeListener,
  TicketChange,
  Unsubscribe,
} from './storage-changes.js';
export {
  compareTickets,
  matchesFilter,
  searchScore,
  searchTerms,
  searchWords,
} from './ticket-filter.js';
