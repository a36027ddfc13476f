import * as z from 'zod';
import type { DeskContext } from '../desk/desk-context.js';
import type { DirectoryApi } from '../desk/directory-api.js';
import { ticketTemplateValues } from '../notify/template-values.js';
import { actorSchema } from '../schemas/actor.js';
import type { CannedResponse, CannedResponseInput } from '../schemas/directory.js';
import { parseInput } from '../schemas/parse.js';
import { recordIdSchema, ticketRefSchema } from '../schemas/primitives.js';
import type { Ticket } from '../schemas/ticket.js';
import { renderTemplate } from '../templates/template.js';
import { resolveActor } from './access.js';
import type { CannedResponsesApi } from './canned-responses-api.js';
import { requireCannedResponse } from './references.js';
import { loadForActor } from './run-command.js';
import { requireStaff } from './ticket-queries.js';

export type { CannedResponsesApi, RenderCannedResponseOptions } from './canned-responses-api.js';

/** Fills in a canned response's variables for a ticket, as `agentName` sends it. */
export async function renderCannedResponse(
  desk: DeskContext,
  canned: CannedResponse,
  ticket: Ticket,
  agentName: string | null,
  format: 'text' | 'html' = 'text',
): Promise<string> {
  const values = await ticketTemplateValues(desk, ticket, { agentName, linkFor: 'customer' });
  return renderTemplate(canned.body, values, { format });
}

const renderOptionsSchema = z.strictObject({
  actor: actorSchema,
  format: z.enum(['text', 'html']).default('text'),
});

/** Creates `desk.cannedResponses` over the plain directory API. */
export function createCannedResponsesApi(
  desk: DeskContext,
  directory: DirectoryApi<'cannedResponses', CannedResponseInput>,
): CannedResponsesApi {
  return {
    ...directory,
    async render(id, ref, rawOptions) {
      const options = parseInput(renderOptionsSchema, rawOptions, 'options', ['options']);
      const cannedId = parseInput(recordIdSchema, id, 'canned response id', ['id']);
      const refValue = parseInput(ticketRefSchema, ref, 'ticket reference', ['ref']);
      const who = await resolveActor(desk.directory, options.actor);
      requireStaff(who, 'canned responses');
      const { ticket } = await loadForActor(desk, refValue, who);
      const canned = await requireCannedResponse(desk, cannedId, ticket.departmentId, 'id');
      return renderCannedResponse(desk, canned, ticket, who.author.name ?? null, options.format);
    },
  };
}
