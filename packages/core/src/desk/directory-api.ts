import type { DirectoryKind, DirectoryRecords } from '../schemas/directory.js';

// One kind of directory record's API, apart from the desk: canned responses extend it.

/** Reads and writes one kind of directory record (departments, agents, SLA plans …). */
export interface DirectoryApi<K extends DirectoryKind, TInput> {
  /** Creates or replaces a record by id; references (a team's department, a plan's calendar …) must exist. */
  upsert(input: TInput): Promise<DirectoryRecords[K]>;
  /** One record, or `null`. */
  get(id: string): Promise<DirectoryRecords[K] | null>;
  /** Every record, ordered by id. */
  list(): Promise<DirectoryRecords[K][]>;
}
