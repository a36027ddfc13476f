import * as z from 'zod';
import { agentRoleSchema } from './enums.js';
import { durationSchema, emailSchema, LIMITS, multilineText, recordIdSchema, singleLineText } from './primitives.js';

/** Schema of a department, the unit tickets are routed to and agents belong to. */
export const departmentSchema = z.strictObject({
  id: recordIdSchema,
  name: singleLineText(),
  description: singleLineText(LIMITS.shortText).nullable().default(null),
});
/** A department as stored. */
export type Department = z.output<typeof departmentSchema>;
/** What `desk.departments.upsert` accepts. */
export type DepartmentInput = z.input<typeof departmentSchema>;

const uniqueIds = (what: string) =>
  z
    .array(recordIdSchema)
    .max(10_000, { message: `must list at most 10000 ${what}` })
    .refine((ids) => new Set(ids).size === ids.length, { message: `must not list the same ${what} twice` });

/** Schema of a team: agents who share a queue inside a department. */
export const teamSchema = z.strictObject({
  id: recordIdSchema,
  name: singleLineText(),
  departmentId: recordIdSchema,
  memberIds: uniqueIds('agent').default([]),
});
/** A team as stored. */
export type Team = z.output<typeof teamSchema>;
/** What `desk.teams.upsert` accepts. */
export type TeamInput = z.input<typeof teamSchema>;

/** Schema of an agent of the help desk. */
export const agentSchema = z.strictObject({
  id: recordIdSchema,
  name: singleLineText(),
  email: emailSchema,
  departmentIds: uniqueIds('department').default([]),
  role: agentRoleSchema.default('agent'),
  /** Inactive agents keep their history but can no longer act. */
  active: z.boolean().default(true),
});
/** An agent as stored. */
export type Agent = z.output<typeof agentSchema>;
/** What `desk.agents.upsert` accepts. */
export type AgentInput = z.input<typeof agentSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: "must be a time such as '09:00'" });
const openingHours = z
  .tuple([clockTime, clockTime])
  .refine(([from, to]) => from !== to, { message: 'must not start and end at the same time' });
const dayHours = z.array(openingHours).max(8, { message: 'must list at most 8 intervals a day' });

/** Weekday keys of a calendar's `weekly` hours. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Schema of a business-hours calendar: weekly opening hours in an IANA time
 * zone, and holidays (local dates) when the desk is closed. An interval whose
 * end is before its start runs past midnight (`['22:00', '06:00']`).
 */
export const calendarSchema = z.strictObject({
  id: recordIdSchema,
  name: singleLineText().nullable().default(null),
  timeZone: z.string().max(64).refine(isTimeZone, { message: 'must be an IANA time zone such as America/New_York' }),
  weekly: z.strictObject(
    Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours.optional()])) as {
      [K in (typeof WEEKDAYS)[number]]: z.ZodOptional<typeof dayHours>;
    },
  ),
  holidays: z
    .array(z.iso.date({ message: "must be a date such as '2026-12-25'" }))
    .max(1_000)
    .default([]),
});
/** A calendar as stored. */
export type Calendar = z.output<typeof calendarSchema>;
/** What `desk.calendars.upsert` accepts. */
export type CalendarInput = z.input<typeof calendarSchema>;

/** Schema of an SLA plan (SEV A/B/C …): response and resolution targets. */
export const slaPlanSchema = z.strictObject({
  id: recordIdSchema,
  name: singleLineText(),
  firstResponseWithin: durationSchema,
  resolveWithin: durationSchema,
  /** Business-hours calendar the targets count in; `null` counts around the clock. */
  calendarId: recordIdSchema.nullable().default(null),
  /** Fraction of a target after which the ticket is at risk. */
  warnAt: z
    .number()
    .gt(0, { message: 'must be greater than 0' })
    .lt(1, { message: 'must be less than 1' })
    .default(0.75),
  /** Whether the clock stops while the ticket awaits the customer. */
  pauseWhileAwaitingCustomer: z.boolean().default(true),
});
/** An SLA plan as stored. */
export type SlaPlan = z.output<typeof slaPlanSchema>;
/** What `desk.slaPlans.upsert` accepts. */
export type SlaPlanInput = z.input<typeof slaPlanSchema>;

/** Schema of a canned response: a reusable reply, optionally scoped to a department. */
export const cannedResponseSchema = z.strictObject({
  id: recordIdSchema,
  title: singleLineText(),
  body: multilineText(),
  departmentId: recordIdSchema.nullable().default(null),
});
/** A canned response as stored. */
export type CannedResponse = z.output<typeof cannedResponseSchema>;
/** What `desk.cannedResponses.upsert` accepts. */
export type CannedResponseInput = z.input<typeof cannedResponseSchema>;

/** The directory's record kinds and their stored shapes. */
export interface DirectoryRecords {
  /** Departments. */
  departments: Department;
  /** Teams. */
  teams: Team;
  /** Agents and admins. */
  agents: Agent;
  /** Business-hours calendars. */
  calendars: Calendar;
  /** SLA plans. */
  slaPlans: SlaPlan;
  /** Canned responses. */
  cannedResponses: CannedResponse;
}

/** A directory record kind: `departments`, `teams`, `agents`, `calendars`, `slaPlans` or `cannedResponses`. */
export type DirectoryKind = keyof DirectoryRecords;

/** Every directory record kind. */
export const DIRECTORY_KINDS = [
  'departments',
  'teams',
  'agents',
  'calendars',
  'slaPlans',
  'cannedResponses',
] as const satisfies readonly DirectoryKind[];
