import * as z from 'zod';
import type { RouteSpec } from './route.js';
import { json } from './route.js';

/** `GET /tickets/:ref/canned-responses/:id`: a canned response filled in for a ticket, for the agent to edit. */
export const cannedRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/tickets/:ref/canned-responses/:id',
    operationId: 'renderCannedResponse',
    summary:
      'A canned response with its variables filled in for this ticket and the calling agent, as text: the preview an agent edits before sending.',
    access: 'agent',
    responses: { 200: { description: 'The filled-in text.', schema: z.object({ body: z.string() }) } },
    async handle({ desk, params, identity }) {
      if (identity.kind !== 'session') throw new Error('checkAccess admits only signed-in agents here');
      const body = await desk.cannedResponses.render(params.id ?? '', params.ref ?? '', { actor: identity.actor });
      return json(200, { body });
    },
  },
];
