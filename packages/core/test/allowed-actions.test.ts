import { describe, expect, test } from 'vitest';
import { type Actor, isTicketkitError, TICKET_ACTIONS, type Ticket, type TicketAction } from '../src/index.js';
import { actors, createTestDesk } from './support/test-desk.js';

/**
 * `desk.tickets.allowedActions` answers from the statechart; these tests walk
 * ticket states × actors × commands and check each answer against what the
 * command itself does when it is run, so the buttons a console builds from it
 * cannot offer what the desk refuses, nor hide what it accepts.
 */

type Desk = Awaited<ReturnType<typeof createTestDesk>>;

const INPUTS: Record<TicketAction, Record<string, unknown>> = {
  assign: { agentId: 'bob' },
  unassign: {},
  transfer: { departmentId: 'l2', note: 'For Level 2' },
  startWork: {},
  reply: { body: 'Thanks, looking into it.' },
  note: { body: 'Checked the logs.' },
  requestInfo: { body: 'Which device?' },
  resolve: { resolutionNote: 'Reset the password.' },
  confirmResolution: { rating: 5 },
  feedback: { rating: 4 },
  close: {},
  reopen: { reason: 'Still broken' },
  update: { priority: 'high' },
};

const STATES: Record<string, (desk: Desk, ticket: Ticket) => Promise<unknown>> = {
  'open, unassigned': async () => {},
  'open, held by a team': ({ desk }, t) => desk.tickets.assign(t.id, { teamId: 'help-team' }, { actor: actors.ann }),
  'in progress': async ({ desk }, t) => {
    await desk.tickets.assign(t.id, { agentId: 'ann' }, { actor: actors.ann });
    await desk.tickets.startWork(t.id, {}, { actor: actors.ann });
  },
  'awaiting the customer': ({ desk }, t) =>
    desk.tickets.requestInfo(t.id, { body: 'Which device?' }, { actor: actors.ann }),
  resolved: ({ desk }, t) => desk.tickets.resolve(t.id, { resolutionNote: 'Done' }, { actor: actors.ann }),
  'closed (confirmed)': async ({ desk }, t) => {
    await desk.tickets.resolve(t.id, { resolutionNote: 'Done' }, { actor: actors.ann });
    await desk.tickets.confirmResolution(t.id, {}, { actor: actors.ken });
  },
  'closed, past the reopen window': async (fixture, t) => {
    await fixture.desk.tickets.resolve(t.id, { resolutionNote: 'Done' }, { actor: actors.ann });
    await fixture.desk.tickets.confirmResolution(t.id, {}, { actor: actors.ken });
    fixture.clock.advance(31 * 24 * 3600_000);
  },
};

const ACTORS: Record<string, Actor> = { agent: actors.ann, admin: actors.root, requester: actors.ken };

async function outcome(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => 'OK',
    (error: unknown) => (isTicketkitError(error) ? error.code : `UNEXPECTED ${String(error)}`),
  );
}

async function walk(requireConfirmation: boolean) {
  const mismatches: string[] = [];
  let checked = 0;
  for (const [stateName, reach] of Object.entries(STATES)) {
    const fixture = await createTestDesk({ lifecycle: { requireConfirmation } });
    for (const [actorName, actor] of Object.entries(ACTORS)) {
      for (const action of TICKET_ACTIONS) {
        // A fresh ticket per question: every command runs on a ticket exactly in the state named.
        const ticket = await fixture.open();
        await reach(fixture, ticket);
        const answer = (await fixture.desk.tickets.allowedActions(ticket.id, { actor }))[action];
        const run = fixture.desk.tickets[action] as (
          ref: string,
          input: unknown,
          o: { actor: Actor },
        ) => Promise<Ticket>;
        const plain = await outcome(() => run(ticket.id, INPUTS[action], { actor }));
        const where = `${stateName} / ${actorName} / ${action}`;
        checked++;
        if (answer.requiresForce) {
          const forced = await outcome(() => run(ticket.id, { force: true }, { actor }));
          if (plain !== 'CONFIRMATION_REQUIRED' || forced !== 'OK')
            mismatches.push(`${where}: requiresForce, but close → ${plain}, forced → ${forced}`);
        } else if (answer.allowed ? plain !== 'OK' : plain !== answer.reason) {
          mismatches.push(`${where}: answered ${JSON.stringify(answer)}, the command → ${plain}`);
        }
      }
    }
  }
  return { mismatches, checked };
}

describe('allowed actions agree with the commands', () => {
  test('when the desk requires the customer’s confirmation (the default)', async () => {
    const { mismatches, checked } = await walk(true);
    expect(checked).toBe(Object.keys(STATES).length * 3 * TICKET_ACTIONS.length);
    expect(mismatches).toEqual([]);
  });

  test('when it does not', async () => {
    expect((await walk(false)).mismatches).toEqual([]);
  });
});

test('close shows the confirmation rule: refused for agents with its reason, forceable for admins', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  await desk.tickets.resolve(ticket.id, { resolutionNote: 'Done' }, { actor: actors.ann });
  expect((await desk.tickets.allowedActions(ticket.number, { actor: actors.ann })).close).toEqual({
    allowed: false,
    reason: 'CONFIRMATION_REQUIRED',
  });
  expect((await desk.tickets.allowedActions(ticket.number, { actor: actors.root })).close).toEqual({
    allowed: true,
    requiresForce: true,
  });
  expect((await desk.tickets.allowedActions(ticket.number, { actor: actors.ken })).close).toEqual({
    allowed: false,
    reason: 'FORBIDDEN',
  });
});

test('an agent outside the department is refused as get refuses them; canView says the same', async () => {
  const { desk, open } = await createTestDesk();
  const ticket = await open();
  await expect(desk.tickets.allowedActions(ticket.id, { actor: actors.winston })).rejects.toMatchObject({
    code: 'FORBIDDEN',
  });
  expect(await desk.tickets.canView(ticket, { actor: actors.winston })).toBe(false);
  expect(await desk.tickets.canView(ticket, { actor: actors.ann })).toBe(true);
  expect(await desk.tickets.canView(ticket, { actor: actors.karen })).toBe(false);
  expect(await desk.tickets.canView(ticket, { actor: actors.ken })).toBe(true);
  // Transferred to Level 2, the ticket is Winston's to see.
  const moved = await desk.tickets.transfer(ticket.id, { departmentId: 'l2' }, { actor: actors.ann });
  expect(await desk.tickets.canView(moved, { actor: actors.winston })).toBe(true);
});
