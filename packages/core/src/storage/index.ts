export { decodeCursor, encodeCursor } from './cursor.js';
export { type MemoryStorage, type MemoryStorageState, memoryStorage } from './memory-storage.js';
export {
  type ChangeSet,
  type IdempotencyRecord,
  type NotificationAudience,
  type OutboxMessage,
  type OutboxStatus,
  type Page,
  type PlannedNotification,
  REQUIRED_STORAGE_METHODS,
  type SlaCandidateQuery,
  type StorageAdapter,
  type TicketFilter,
  type TicketListQuery,
  type TicketLookup,
  type TicketOrder,
  type TicketSearchQuery,
  type TicketWrite,
} from './storage-adapter.js';
export {
  compareTickets,
  matchesFilter,
  searchScore,
  searchTerms,
  searchWords,
} from './ticket-filter.js';
