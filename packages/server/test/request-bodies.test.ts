import {
  assignInputSchema,
  createHelpDesk,
  memoryStorage,
  noteInputSchema,
  openTicketInputSchema,
  replyInputSchema,
  resolveInputSchema,
  updateInputSchema,
} from '@ticketkit/core';
import { createSupportApi } from '@ticketkit/server';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect, test } from 'vitest';
import type * as z from 'zod';

/**
 * The document's request bodies give the verdicts the core's command schemas
 * give: each sample is checked by Ajv against the served document and by the
 * schema the desk validates with, and the two must agree.
 */

const text = { subject: 'Card blocked', body: 'It does not work.' };
const CASES: [component: string, schema: z.ZodType, samples: unknown[]][] = [
  [
    'OpenTicketInput',
    openTicketInputSchema,
    [
      text,
      { ...text, requester: { email: 'ken@example.com', name: 'Ken' } },
      { ...text, requester: { email: 'not an email' } },
      { ...text, requester: { email: 'ken@example.com', name: ' ' } },
      { ...text, subject: '   ' },
      { ...text, body: '\n\t ' },
      { ...text, priority: 'critical' },
      { ...text, fields: { plan: 'gold', seats: 3, tags: ['a', 'b'], owner: { id: 7 } } },
      { ...text, colour: 'red' },
      { body: 'no subject' },
    ],
  ],
  [
    'ReplyInput',
    replyInputSchema,
    [
      {},
      { body: 'Hi' },
      { cannedResponseId: 'thanks' },
      { body: 'Hi', cannedResponseId: 'thanks' },
      { body: ' ' },
      { body: 'Hi', idempotencyKey: '6f1c3a0e-2b7d-4c55-9a1e-0d2f4b8c7e91' },
      { idempotencyKey: '6f1c3a0e-2b7d-4c55-9a1e-0d2f4b8c7e91' },
    ],
  ],
  [
    'AssignInput',
    assignInputSchema,
    [
      {},
      { agentId: 'ann' },
      { teamId: 'cards' },
      { agentId: null },
      { agentId: null, teamId: 'cards' },
      { agentId: 'ann', teamId: null },
      { agentId: null, teamId: null },
    ],
  ],
  [
    'UpdateInput',
    updateInputSchema,
    [{}, { priority: 'high' }, { customStatus: null }, { subject: ' ' }, { subject: 'New' }, { colour: 'red' }],
  ],
  [
    'NoteInput',
    noteInputSchema,
    [
      { body: 'Checked.' },
      { body: ' \n' },
      {},
      { body: 'Checked.', idempotencyKey: '6f1c3a0e-2b7d-4c55-9a1e-0d2f4b8c7e91' },
    ],
  ],
  [
    'ResolveInput',
    resolveInputSchema,
    [{ resolutionNote: 'Fixed.' }, { resolutionNote: 'Fixed.', body: ' ' }, { resolutionNote: '' }],
  ],
];

test('every sample body gets the same verdict from the API document and from the desk', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  const document = createSupportApi(desk, { honeypotField: false }).openApiDocument();
  await desk.close();
  const ajv = new Ajv2020({ strict: false });
  ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats)(ajv);
  ajv.addSchema(document, 'openapi.json');
  const disagreements: string[] = [];
  for (const [component, schema, samples] of CASES) {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`);
    if (!validate) throw new Error(`no component ${component}`);
    for (const sample of samples) {
      const documented = validate(sample);
      const enforced = schema.safeParse(sample).success;
      if (documented !== enforced) {
        disagreements.push(`${component} ${JSON.stringify(sample)}: document ${documented}, desk ${enforced}`);
      }
    }
  }
  expect(disagreements).toEqual([]);
});
