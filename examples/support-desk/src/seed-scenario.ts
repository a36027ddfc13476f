import {
  type Clock,
  createHelpDesk,
  defaultSlaPolicy,
  type HelpDesk,
  isTicketkitError,
  type ManualClock,
  memoryStorage,
  type NotificationLinks,
  type Notifier,
  type StorageAdapter,
} from '@ticketkit/core';

/** The people of the seed scenario. */
export const people = {
  ken: { type: 'customer', email: 'ken@example.com', name: 'Ken' },
  karen: { type: 'customer', email: 'karen@example.com', name: 'Karen' },
  isabella: { type: 'agent', id: 'isabella' },
  winston: { type: 'agent', id: 'winston' },
} as const;

/**
 * The demo's outgoing mail: it accepts every notification, so the delivery
 * log shows what a real mailer would have sent. (`@ticketkit/email` sends
 * them for real.)
 */
export const demoMailer: Notifier = { id: 'demo-mailer', send: async () => {} };

/** Options of {@link createDemoDesk}. */
export interface DemoDeskOptions {
  /** Where the desk lives; memory when left out. */
  storage?: StorageAdapter;
  /** The desk's clock. */
  clock?: Clock;
  /** How notifications go out; the demo mailer (which sends nothing) when left out. */
  notifiers?: Notifier[];
  /** The links notifications carry (the customer's, with its access token); a bank.test page when left out. */
  links?: NotificationLinks;
}

/**
 * Creates the demo desk: two departments, two agents and an admin, three SLA
 * plans on a business-hours calendar (high priority gets SEV B, urgent SEV A),
 * canned responses, and the demo mailer (or the notifiers given).
 */
export async function createDemoDesk(options: DemoDeskOptions = {}): Promise<HelpDesk> {
  const desk = await createHelpDesk({
    storage: options.storage ?? memoryStorage(),
    clock: options.clock,
    notifiers: options.notifiers ?? [demoMailer],
    sla: defaultSlaPolicy({ defaultPlan: { byPriority: { urgent: 'sev-a', high: 'sev-b' } } }),
    links: options.links ?? { customer: (ticket) => `https://bank.test/support/requests/${ticket.number}` },
    intake: { defaultDepartmentId: 'help-desk' },
    lifecycle: { customStatuses: [{ id: 'escalated-l2', name: 'Escalated to L2', status: 'in_progress' }] },
  });
  await desk.departments.upsert({ id: 'help-desk', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'level-2', name: 'Level 2 Support' });
  await desk.agents.upsert({
    id: 'isabella',
    name: 'Isabella',
    email: 'isabella@bank.test',
    departmentIds: ['help-desk'],
  });
  await desk.agents.upsert({ id: 'winston', name: 'Winston', email: 'winston@bank.test', departmentIds: ['level-2'] });
  await desk.agents.upsert({
    id: 'admin',
    name: 'Alex (admin)',
    email: 'admin@bank.test',
    role: 'admin',
    departmentIds: ['help-desk', 'level-2'],
  });
  await desk.calendars.upsert({
    id: 'new-york',
    timeZone: 'America/New_York',
    weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]])),
    holidays: ['2026-12-25'],
  });
  await desk.slaPlans.upsert({ id: 'sev-a', name: 'SEV A', firstResponseWithin: '1h', resolveWithin: '8h' });
  await desk.slaPlans.upsert({
    id: 'sev-b',
    name: 'SEV B',
    firstResponseWithin: '4h',
    resolveWithin: '16h',
    calendarId: 'new-york',
  });
  await desk.slaPlans.upsert({
    id: 'sev-c',
    name: 'SEV C',
    firstResponseWithin: '8h',
    resolveWithin: '3d',
    calendarId: 'new-york',
  });
  await desk.cannedResponses.upsert({
    id: 'password-reset',
    title: 'Password reset link',
    body: 'Hi {{requester.name | "there"}}, I have sent a password reset link to your email address. It is valid for one hour. — {{agent.name}}, {{department.name}}',
    departmentId: 'help-desk',
  });
  await desk.cannedResponses.upsert({
    id: 'password-reset-warm',
    title: 'Password reset (warm)',
    body: 'Hi {{requester.name | "there"}}, thank you for reaching out about ticket #{{ticket.number}} — I am happy to help! I have just sent a password reset link to your email address; it is valid for one hour. If it does not arrive within a few minutes, please check your spam folder or reply here. Warm regards, {{agent.name}}, {{department.name}}',
    departmentId: 'help-desk',
  });
  await desk.cannedResponses.upsert({
    id: 'transfer-note',
    title: 'Courteous transfer note',
    body: 'Hi, could you please take ticket #{{ticket.number}} from {{requester.name | "our customer"}}? The details are in the thread. Thank you so much! — {{agent.name}}',
  });
  await desk.cannedResponses.upsert({
    id: 'request-information',
    title: 'Request for information',
    body: 'Hi {{requester.name | "there"}}, to look into ticket #{{ticket.number}} we need a little more detail: which phone and app version do you use, and what were you doing when it happened? Thank you! — {{agent.name}}',
  });
  return desk;
}

/** Tells the audience where the scenario is. */
export interface Narrator {
  /** A new stage of the ticket's life begins. */
  stage(name: string): void;
  /** Something worth pointing out happened. */
  aside(text: string): void;
}

/**
 * Plays the seed scenario: Ken's password reset and Karen's mobile-banking
 * crash, from intake to a confirmed resolution and a reopen.
 */
export async function playSeedScenario(desk: HelpDesk, clock: ManualClock, narrator: Narrator) {
  const { ken, karen, isabella, winston } = people;
  // Time passes, and the scheduler looks at the desk as it would every minute: SLA checks, auto-close, mail.
  const later = async (duration: string) => {
    await desk.scheduler.runOnce(); // what is due now goes out now
    clock.advance(duration);
    await desk.scheduler.runOnce();
  };

  narrator.stage('Intake');
  const reset = await desk.tickets.open(
    { subject: 'Password reset', body: 'I forgot my password and cannot log in to online banking.', source: 'web' },
    { actor: ken },
  );
  await later('5m');
  const crash = await desk.tickets.open(
    {
      subject: 'Mobile banking app crashes',
      body: 'The app closes as soon as I open Transfers.',
      priority: 'high',
      source: 'web',
    },
    { actor: karen },
  );

  narrator.stage('Assignment and communication');
  await later('10m');
  await desk.tickets.assign(reset.number, { agentId: 'isabella' }, { actor: isabella });
  await desk.tickets.update(reset.number, { slaPlanId: 'sev-c' }, { actor: isabella });
  await desk.tickets.reply(
    reset.number,
    {
      body: 'Hi Ken, thanks for reaching out — happy to help! I have sent you a reset link; it is valid for one hour.',
    },
    { actor: isabella },
  );
  await desk.tickets.note(
    reset.number,
    { body: 'Verified identity with the security questions.' },
    { actor: isabella },
  );
  await desk.tickets.startWork(reset.number, {}, { actor: isabella });
  await later('5m');
  await desk.tickets.transfer(
    crash.number,
    {
      departmentId: 'level-2',
      agentId: 'winston',
      note: 'Hi Winston, could you please take this one? The app crashes on the Transfers screen. Thank you!',
    },
    { actor: isabella },
  );

  narrator.stage('Working the issue');
  await later('20m');
  await desk.tickets.requestInfo(
    crash.number,
    { body: 'Hi Karen, which phone and app version do you use?' },
    { actor: winston },
  );
  await later('2h');
  await desk.tickets.reply(crash.number, { body: 'A Pixel 8 with app version 4.2.1.' }, { actor: karen });

  narrator.stage('Resolution');
  await later('1h');
  await desk.tickets.resolve(
    crash.number,
    {
      resolutionNote: 'Known crash of 4.2.1 on Android 15; fixed in 4.2.2, released today.',
      body: 'Thanks Karen! Version 4.2.2 fixes the crash — please update and let us know.',
    },
    { actor: winston },
  );
  try {
    await desk.tickets.close(crash.number, {}, { actor: winston });
  } catch (error) {
    if (!isTicketkitError(error, 'CONFIRMATION_REQUIRED')) throw error;
    narrator.aside(`Winston tries to close #${crash.number} before Karen confirms: ${error.code}`);
  }
  await later('30m');
  await desk.tickets.confirmResolution(
    crash.number,
    { rating: 5, comment: 'Works again, thank you!' },
    { actor: karen },
  );
  await later('3d');
  await desk.tickets.reopen(crash.number, { reason: 'It crashes again since this morning.' }, { actor: karen });

  await later('1h');
  await desk.tickets.resolve(reset.number, { resolutionNote: 'Ken used the reset link.' }, { actor: isabella });
  await later('2h');
  await desk.tickets.reply(reset.number, { body: 'Sorry — the link expired before I could use it.' }, { actor: ken });

  return { reset, crash };
}
