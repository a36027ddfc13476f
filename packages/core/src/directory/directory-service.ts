import type * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import type { DirectoryApi } from '../desk/help-desk.js';
import { validationError } from '../errors/ticketkit-error.js';
import {
  agentSchema,
  calendarSchema,
  cannedResponseSchema,
  type DirectoryKind,
  type DirectoryRecords,
  departmentSchema,
  slaPlanSchema,
  teamSchema,
} from '../schemas/directory.js';
import { parseInput } from '../schemas/parse.js';
import { recordIdSchema } from '../schemas/primitives.js';
import { checkVariables, parseTemplate } from '../templates/template.js';
import { customFieldIds } from '../tickets/custom-fields.js';

type ReferenceCheck<K extends DirectoryKind> = (record: DirectoryRecords[K], desk: DeskContext) => Promise<void>;

async function mustExist(desk: DeskContext, kind: DirectoryKind, id: string, path: (string | number)[]) {
  if (!(await desk.storage.getRecord(kind, id))) {
    throw validationError([{ path, message: `no ${kind.replace(/s$/, '')} ${id}` }], 'directory record');
  }
}

const references: { [K in DirectoryKind]: ReferenceCheck<K> } = {
  departments: async () => {},
  teams: async (team, desk) => mustExist(desk, 'departments', team.departmentId, ['departmentId']),
  agents: async (agent, desk) => {
    for (const [index, id] of agent.departmentIds.entries())
      await mustExist(desk, 'departments', id, ['departmentIds', index]);
  },
  calendars: async () => {},
  slaPlans: async (plan, desk) => {
    if (plan.calendarId !== null) await mustExist(desk, 'calendars', plan.calendarId, ['calendarId']);
  },
  cannedResponses: async (canned, desk) => {
    // A broken template or an unknown variable is refused when it is saved, not when an agent first sends it.
    checkVariables(parseTemplate(canned.body, { path: ['body'] }), {
      customFieldIds: customFieldIds(desk.fields),
      path: ['body'],
    });
    if (canned.departmentId !== null) await mustExist(desk, 'departments', canned.departmentId, ['departmentId']);
  },
};

const schemas: { [K in DirectoryKind]: z.ZodType<DirectoryRecords[K]> } = {
  departments: departmentSchema,
  teams: teamSchema,
  agents: agentSchema,
  calendars: calendarSchema,
  slaPlans: slaPlanSchema,
  cannedResponses: cannedResponseSchema,
};

/** The read/write API of one kind of directory record, validated and with its references checked. */
export function createDirectoryApi<K extends DirectoryKind, TInput>(
  desk: DeskContext,
  kind: K,
): DirectoryApi<K, TInput> {
  const what = `${kind} record`;
  return {
    async upsert(input) {
      const record = parseInput(schemas[kind], input, what) as DirectoryRecords[K];
      await (references[kind] as ReferenceCheck<K>)(record, desk);
      await desk.storage.putRecord(kind, record);
      desk.directory.forget(kind);
      return record;
    },
    async get(id) {
      return desk.storage.getRecord(kind, parseInput(recordIdSchema, id, 'id', ['id']));
    },
    list() {
      return desk.storage.listRecords(kind);
    },
  };
}
