export {
  ACTIVE_STATUSES,
  QUEUE_NAMES,
  type QueueDefinition,
  type QueueName,
  queueDefinition,
} from './queue-definitions.js';
