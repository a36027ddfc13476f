import type { Actor, HelpDesk } from '@ticketkit/core';

/** A clock the seeding moves back in time, so older tickets carry older dates (and some are overdue). */
export interface ShiftableClock {
  /** The desk's clock. */
  now(): Date;
  /** Moves the clock by `ms` (negative: back in time). */
  shift(ms: number): void;
}

/** A clock at real time plus an offset the seeding moves. */
export function shiftableClock(): ShiftableClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    shift(ms) {
      offset += ms;
    },
  };
}

const HOUR = 3_600_000;
const customer = (name: string) => ({
  type: 'customer' as const,
  name,
  email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.net`,
});
const isabella: Actor = { type: 'agent', id: 'isabella' };
const winston: Actor = { type: 'agent', id: 'winston' };

/** What an older ticket went through: the last step decides the queue it sits in. */
type Fate = 'open' | 'assigned' | 'working' | 'waiting' | 'resolved' | 'closed' | 'level-2';

const OLDER: readonly [string, string, Fate, ('low' | 'normal' | 'high' | 'urgent')?][] = [
  ['Card declined abroad', 'My card does not work in Lisbon since this morning.', 'open', 'high'],
  ['Wrong address on my statement', 'My statement still shows my old address.', 'open'],
  ['Cannot add a payee', 'The app says "something went wrong" when I add a new payee.', 'open'],
  ['Interest rate on savings', 'Has the savings rate changed this month?', 'open', 'low'],
  ['Duplicate charge at a grocery store', 'I was charged twice for the same purchase.', 'assigned', 'high'],
  ['Mortgage statement request', 'Could you send me my annual mortgage statement?', 'assigned'],
  ['Direct deposit not showing', 'My salary was paid yesterday but does not show.', 'working', 'urgent'],
  ['Change of phone number', 'I have a new phone number for two-factor codes.', 'working'],
  ['Cheque deposit rejected', 'The app rejected my cheque photo three times.', 'waiting'],
  ['Lost card', 'I think I left my card in a taxi.', 'waiting', 'high'],
  ['Overdraft fee refund', 'I was charged an overdraft fee after a refund came in late.', 'waiting'],
  ['Joint account opening', 'How do we open a joint account?', 'resolved', 'low'],
  ['Statement for March missing', 'I cannot find March in my documents.', 'resolved'],
  ['Login from a new device', 'I got a security alert about a login I did not make.', 'resolved', 'urgent'],
  ['Card PIN reset', 'I forgot the PIN of my debit card.', 'closed'],
  ['Travel notice', 'I am travelling to Japan next week.', 'closed', 'low'],
  ['Standing order cancelled', 'My standing order to my landlord disappeared.', 'closed'],
  ['Fingerprint login stopped working', 'Since the update, fingerprint login fails.', 'level-2', 'high'],
  ['Transfers screen blank on tablet', 'On my tablet the Transfers screen is empty.', 'level-2'],
  ['Export to CSV broken', 'Exporting transactions to CSV gives an empty file.', 'level-2', 'low'],
  ['Wire transfer limit', 'I need to send more than my daily limit.', 'open'],
  ['Credit limit increase', 'I would like a higher credit limit on my card.', 'assigned', 'low'],
  ['Notifications not arriving', 'I do not get push notifications for payments any more.', 'working'],
  ['Close my savings account', 'Please close my old savings account.', 'closed'],
  ['Loan payoff amount', 'What is the payoff amount of my car loan?', 'resolved'],
  ['Branch opening hours', 'Is the Main Street branch open on Saturdays?', 'closed', 'low'],
];
const NAMES = [
  'Maria Lopez',
  'Tom Becker',
  'Aisha Khan',
  'Liam Walsh',
  'Chen Wei',
  'Sofia Rossi',
  'Noah Smith',
  'Emma Dubois',
];

/**
 * Fills a new desk with older tickets in every status, dated over the past
 * days (the oldest open ones are overdue), so the queues look like a real
 * desk's. Run once, on a new database; `onOpened` hears each ticket's number.
 */
export async function seedOlderTickets(
  desk: HelpDesk,
  clock: ShiftableClock,
  onOpened: (number: string) => void = () => {},
): Promise<void> {
  clock.shift(-6 * 24 * HOUR);
  for (const [index, [subject, body, fate, priority]] of OLDER.entries()) {
    const actor = customer(NAMES[index % NAMES.length] as string);
    const ticket = await desk.tickets.open({ subject, body, priority, source: index % 3 ? 'web' : 'email' }, { actor });
    const number = ticket.number;
    onOpened(number);
    clock.shift(HOUR);
    if (fate === 'open') continue;
    if (fate === 'level-2') {
      await desk.tickets.transfer(
        number,
        { departmentId: 'level-2', agentId: 'winston', note: 'Could you take this one? Thank you!' },
        { actor: isabella },
      );
      await desk.tickets.startWork(number, {}, { actor: winston });
      continue;
    }
    await desk.tickets.assign(number, { agentId: 'isabella' }, { actor: isabella });
    if (fate === 'assigned') continue;
    await desk.tickets.reply(
      number,
      { body: `Hi ${actor.name}, thanks — we are looking into it.` },
      { actor: isabella },
    );
    await desk.tickets.startWork(number, {}, { actor: isabella });
    if (fate === 'working') continue;
    if (fate === 'waiting') {
      await desk.tickets.requestInfo(number, { body: 'Could you tell us a little more?' }, { actor: isabella });
      continue;
    }
    await desk.tickets.resolve(number, { resolutionNote: 'Answered the customer.' }, { actor: isabella });
    if (fate === 'closed') {
      await desk.tickets.confirmResolution(number, { rating: 4 + (index % 2) }, { actor });
      await desk.tickets.close(number, {}, { actor: isabella }).catch(() => undefined);
    }
  }
  clock.shift(-clock.now().getTime() + Date.now());
  // The sweep marks what came due while the clock was behind: the oldest open tickets are overdue now.
  await desk.scheduler.runOnce();
}
