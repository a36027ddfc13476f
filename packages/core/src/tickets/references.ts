import type { DeskContext } from '../desk/desk-context.js';
import { validationError } from '../errors/ticketkit-error.js';
import type { Agent, CannedResponse, Department, SlaPlan, Team } from '../schemas/directory.js';
import { worksIn } from './access.js';

/**
 * Checks the directory records a command refers to. A reference that does
 * not fit is bad input, reported on the field that carried it.
 */
const refuse = (field: string, message: string) => validationError([{ path: [field], message }]);

/** The department with this id, or `VALIDATION_FAILED` on `field`. */
export async function requireDepartment(desk: DeskContext, id: string, field = 'departmentId'): Promise<Department> {
  const department = await desk.directory.get('departments', id);
  if (!department) throw refuse(field, `no department ${id}`);
  return department;
}

/** An active agent who works in the department, or `VALIDATION_FAILED` on `field`. */
export async function requireAgentIn(
  desk: DeskContext,
  id: string,
  departmentId: string,
  field = 'agentId',
): Promise<Agent> {
  const agent = await desk.directory.get('agents', id);
  if (!agent?.active) throw refuse(field, `no active agent ${id}`);
  if (!worksIn(agent, departmentId)) throw refuse(field, `agent ${id} does not work in department ${departmentId}`);
  return agent;
}

/** A team of the department, or `VALIDATION_FAILED` on `field`. */
export async function requireTeamIn(
  desk: DeskContext,
  id: string,
  departmentId: string,
  field = 'teamId',
): Promise<Team> {
  const team = await desk.directory.get('teams', id);
  if (!team) throw refuse(field, `no team ${id}`);
  if (team.departmentId !== departmentId)
    throw refuse(field, `team ${id} belongs to department ${team.departmentId}, not ${departmentId}`);
  return team;
}

/** The SLA plan with this id, or `VALIDATION_FAILED` on `field`. */
export async function requireSlaPlan(desk: DeskContext, id: string, field = 'slaPlanId'): Promise<SlaPlan> {
  const plan = await desk.directory.get('slaPlans', id);
  if (!plan) throw refuse(field, `no SLA plan ${id}`);
  return plan;
}

/** A canned response usable in the department, or `VALIDATION_FAILED` on `field`. */
export async function requireCannedResponse(
  desk: DeskContext,
  id: string,
  departmentId: string,
  field = 'cannedResponseId',
): Promise<CannedResponse> {
  const canned = await desk.directory.get('cannedResponses', id);
  if (!canned) throw refuse(field, `no canned response ${id}`);
  if (canned.departmentId !== null && canned.departmentId !== departmentId) {
    throw refuse(field, `canned response ${id} belongs to department ${canned.departmentId}`);
  }
  return canned;
}
