import * as z from 'zod';
import { recordIdSchema } from '../schemas/primitives.js';
import { QUEUE_NAMES, type QueueName } from './queue-definitions.js';

const countSchema = z.number().int().min(0);

/** Schema of how many tickets each queue holds: one count per {@link QUEUE_NAMES} entry. */
export const queueCountsSchema = z.object(
  Object.fromEntries(QUEUE_NAMES.map((name) => [name, countSchema])) as Record<QueueName, typeof countSchema>,
);
/** How many tickets each queue holds. */
export type QueueCounts = z.output<typeof queueCountsSchema>;

/** Schema of one department's row in {@link QueueCountsByDepartment}. */
export const departmentQueueCountsSchema = z.object({
  /** The department's id: pass it as `departmentId` to `queues.list` for the tickets behind a count. */
  id: recordIdSchema,
  /** The department's name, for display. */
  name: z.string(),
  /** The queues' counts within this department. */
  counts: queueCountsSchema,
});
/** One department's queue counts. */
export type DepartmentQueueCounts = z.output<typeof departmentQueueCountsSchema>;

/** Schema of what `desk.queues.countsByDepartment` answers. */
export const queueCountsByDepartmentSchema = z.object({
  /** The same counts as `desk.queues.counts`: every department the actor may see, together. */
  total: queueCountsSchema,
  /** One row per department the actor may see, by name. */
  departments: z.array(departmentQueueCountsSchema),
});
/** The queue counts in total and per department. */
export type QueueCountsByDepartment = z.output<typeof queueCountsByDepartmentSchema>;

/** Counts of zero in every queue, overwritten by what storage counted. */
export function queueCountsOf(counted: Readonly<Record<string, number>>, key: (name: QueueName) => string) {
  return Object.fromEntries(QUEUE_NAMES.map((name) => [name, counted[key(name)] ?? 0])) as QueueCounts;
}
