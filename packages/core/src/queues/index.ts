export {
  type DepartmentQueueCounts,
  departmentQueueCountsSchema,
  type QueueCounts,
  type QueueCountsByDepartment,
  queueCountsByDepartmentSchema,
  queueCountsSchema,
} from './queue-counts.js';
export {
  ACTIVE_STATUSES,
  QUEUE_NAMES,
  type QueueDefinition,
  type QueueName,
  queueDefinition,
} from './queue-definitions.js';
