/**
 * `npm start`: plays the seed scenario on ticketkit and prints each ticket's
 * thread and timeline. Runs on the in-memory storage until the SQLite adapter
 * lands; nothing is kept between runs.
 */
import { describeTicket } from './print-ticket.js';
import { createDemoDesk, playSeedScenario, scenarioClock } from './seed-scenario.js';

export async function runDemo(write: (line: string) => void = console.log): Promise<void> {
  const clock = scenarioClock();
  const desk = await createDemoDesk({ clock });
  desk.on('ticket.created', ({ ticket }) =>
    write(`  → #${ticket.number} opened by ${ticket.requester.name}: ${ticket.subject}`),
  );
  desk.on('ticket.transferred', ({ ticket, to }) =>
    write(`  → #${ticket.number} transferred to ${to.departmentId} (${to.assigneeId})`),
  );
  desk.on('ticket.status_changed', ({ ticket, from, to, actor }) =>
    write(`  → #${ticket.number} ${from.replace('_', ' ')} → ${to.replace('_', ' ')} (${actor.name ?? actor.type})`),
  );

  write('ticketkit demo: the seed scenario, on the in-memory storage\n');
  const { reset, crash } = await playSeedScenario(desk, clock, {
    stage: (name) => write(`\n${name}`),
    aside: (text) => write(`  ! ${text}`),
  });
  for (const ticket of [reset, crash]) write(`\n${await describeTicket(desk, ticket)}`);
  const counts = await desk.queues.counts({ actor: { type: 'system' } });
  write(
    `\nQueues: ${Object.entries(counts)
      .map(([name, count]) => `${name.replace('_', ' ')} ${count}`)
      .join(' · ')}`,
  );
  write('🔒 = internal, agents only');
  await desk.close();
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file:').href) {
  await runDemo();
}
