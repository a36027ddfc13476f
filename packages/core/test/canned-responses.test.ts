import { expect, test } from 'vitest';
import * as z from 'zod';
import { isTicketkitError, type TicketkitError } from '../src/index.js';
import { actors, createTestDesk, storageSnapshot } from './support/test-desk.js';

/**
 * Canned responses: templates checked when saved, scoped to departments,
 * rendered for the ticket when an agent replies with one — as text in the
 * thread, HTML-escaped when previewed as HTML.
 */

const fields = z.object({ plan: z.enum(['free', 'pro']).optional(), accountId: z.string().optional() });

async function cannedDesk() {
  const setup = await createTestDesk({ fields });
  await setup.desk.cannedResponses.upsert({
    id: 'reset-link',
    title: 'Password reset link sent',
    body: 'Hi {{requester.name | "there"}},\n\nI have sent a reset link for ticket #{{ticket.number}} ({{ticket.subject}}) on your {{fields.plan | "current"}} plan.\n\n{{agent.name}}, {{department.name}}',
    departmentId: 'help',
  });
  return setup;
}

const failure = (error: unknown) => {
  expect(isTicketkitError(error, 'VALIDATION_FAILED'), String(error)).toBe(true);
  return error as TicketkitError;
};

test('a reply with a canned response fills it in for the ticket and the agent', async () => {
  const { desk, open } = await cannedDesk();
  const ticket = await open({ fields: { plan: 'pro' } });
  await desk.tickets.reply(ticket.id, { cannedResponseId: 'reset-link' }, { actor: actors.ann });
  const thread = await desk.tickets.thread(ticket.id, { actor: actors.ken });
  expect(thread.at(-1)).toMatchObject({
    kind: 'reply',
    body: `Hi Ken,\n\nI have sent a reset link for ticket #${ticket.number} (Password reset) on your pro plan.\n\nAnn, Help Desk`,
    data: { cannedResponseId: 'reset-link' },
  });
  // The agent's own edit is sent as written.
  await desk.tickets.reply(ticket.id, { cannedResponseId: 'reset-link', body: 'Edited.' }, { actor: actors.bob });
  expect((await desk.tickets.thread(ticket.id, { actor: actors.ken })).at(-1)?.body).toBe('Edited.');
});

test('values are text in the thread and escaped in an HTML preview; they are never parsed as templates', async () => {
  const { desk, open } = await cannedDesk();
  const ticket = await open(
    {
      subject: '<img src=x onerror=alert(1)> {{agent.name}}',
      requester: { email: 'ken@example.com', name: 'Ken & "Co"' },
    },
    actors.ann,
  );
  const text = await desk.cannedResponses.render('reset-link', ticket.id, { actor: actors.ann });
  expect(text).toContain('(<img src=x onerror=alert(1)> {{agent.name}})');
  expect(text).toContain('Hi Ken & "Co",');
  const html = await desk.cannedResponses.render('reset-link', ticket.number, { actor: actors.ann, format: 'html' });
  expect(html).toContain('(&lt;img src=x onerror=alert(1)&gt; {{agent.name}})');
  expect(html).toContain('Hi Ken &amp; &quot;Co&quot;,');
  expect(html).not.toContain('<img');
  await desk.tickets.reply(ticket.id, { cannedResponseId: 'reset-link' }, { actor: actors.ann });
  expect((await desk.tickets.thread(ticket.id, { actor: actors.ann })).at(-1)?.body).toBe(text);
});

test('an unknown variable or a broken template is refused when saved, naming the body, and nothing is stored', async () => {
  const { desk, storage } = await cannedDesk();
  const before = storageSnapshot(storage);
  const typo = failure(
    await desk.cannedResponses
      .upsert({ id: 'typo', title: 'Typo', body: 'Hi {{requester.nmae}}' })
      .catch((error: unknown) => error),
  );
  expect(typo.issues).toEqual([
    { path: ['body'], message: 'unknown variable {{requester.nmae}} — did you mean {{requester.name}}?' },
  ]);
  const field = failure(
    await desk.cannedResponses
      .upsert({ id: 'field', title: 'Field', body: 'Your {{fields.tier}}' })
      .catch((error: unknown) => error),
  );
  expect(field.issues[0]?.message).toContain('fields.tier');
  const syntax = failure(
    await desk.cannedResponses
      .upsert({ id: 'broken', title: 'Broken', body: 'Hi {{requester.name' })
      .catch((error: unknown) => error),
  );
  expect(syntax.issues[0]).toMatchObject({ path: ['body'], message: expect.stringContaining('never closed') });
  expect(storageSnapshot(storage)).toBe(before);
  // A literal "{{" is written \{{.
  await desk.cannedResponses.upsert({ id: 'literal', title: 'Literal', body: 'Type \\{{name}} in the form.' });
  expect(
    await desk.cannedResponses.render(
      'literal',
      (await desk.tickets.open({ subject: 's', body: 'b', departmentId: 'help' }, { actor: actors.ken })).id,
      { actor: actors.ann },
    ),
  ).toBe('Type {{name}} in the form.');
});

test('canned responses are scoped to their department and to agents', async () => {
  const { desk, open } = await cannedDesk();
  await desk.cannedResponses.upsert({ id: 'l2-only', title: 'L2', body: 'Escalated.', departmentId: 'l2' });
  const ticket = await open();
  const scoped = failure(
    await desk.tickets
      .reply(ticket.id, { cannedResponseId: 'l2-only' }, { actor: actors.ann })
      .catch((error: unknown) => error),
  );
  expect(scoped.issues).toEqual([
    { path: ['cannedResponseId'], message: 'canned response l2-only belongs to department l2' },
  ]);
  const missing = failure(
    await desk.tickets.reply(ticket.id, { cannedResponseId: 'nope' }, { actor: actors.ann }).catch((e: unknown) => e),
  );
  expect(missing.issues[0]?.path).toEqual(['cannedResponseId']);
  const customer = failure(
    await desk.tickets
      .reply(ticket.id, { cannedResponseId: 'reset-link' }, { actor: actors.ken })
      .catch((error: unknown) => error),
  );
  expect(customer.issues[0]?.path).toEqual(['cannedResponseId']);
  const preview = await desk.cannedResponses
    .render('reset-link', ticket.id, { actor: actors.ken })
    .catch((error: unknown) => error);
  expect(isTicketkitError(preview, 'FORBIDDEN')).toBe(true);
  const elsewhere = await desk.cannedResponses
    .render('reset-link', ticket.id, { actor: actors.winston })
    .catch((error: unknown) => error);
  expect(isTicketkitError(elsewhere, 'FORBIDDEN'), 'Winston works in another department').toBe(true);
  const badFormat = failure(
    await desk.cannedResponses
      .render('reset-link', ticket.id, { actor: actors.ann, format: 'HTML' as never })
      .catch((error: unknown) => error),
  );
  expect(badFormat.issues[0]?.path).toEqual(['options', 'format']);
  expect(
    (await desk.tickets.thread(ticket.id, { actor: actors.ann })).filter((entry) => entry.kind === 'reply'),
  ).toEqual([]);
});
