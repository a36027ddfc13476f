import { createHelpDesk, type HelpDesk, manualClock, memoryStorage, type StorageAdapter } from '@ticketkit/core';
import { emailNotifier } from '@ticketkit/email';
import nodemailer from 'nodemailer';
import { onTestFinished } from 'vitest';

/** The secret and domain the tests' notifier and intake share. */
export const threading = { domain: 'help.example.com', secret: 'a-test-secret-that-is-long-enough-1234' };

/**
 * A desk with an email notifier on nodemailer's JSON transport (real
 * nodemailer, no network), a department and an agent; closed after the test.
 * Call it again on the same storage for a second process, or the same host
 * after a restart.
 */
export async function emailDesk(storage: StorageAdapter, clock = manualClock('2026-03-02T09:00:00Z')) {
  const desk: HelpDesk = await createHelpDesk({
    storage,
    clock,
    notifiers: [
      emailNotifier({
        transport: nodemailer.createTransport({ jsonTransport: true }),
        from: 'support@example.com',
        replyTo: 'support@example.com',
        threading,
      }),
    ],
    lifecycle: { requireConfirmation: false, reopenWindow: '30d' },
  });
  onTestFinished(() => desk.close());
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({
    id: 'ana',
    name: 'Ana',
    email: 'ana@example.com',
    departmentIds: ['help'],
    role: 'admin',
  });
  return desk;
}

/** An {@link emailDesk} (on memory storage unless given one) with a ticket Ken opened. */
export async function deskWithTicket(storage: StorageAdapter = memoryStorage()) {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const desk = await emailDesk(storage, clock);
  const ticket = await desk.tickets.open(
    {
      requester: { email: 'ken@example.com', name: 'Ken Adams' },
      subject: 'Card blocked',
      body: 'My card is blocked.',
      departmentId: 'help',
    },
    { actor: { type: 'customer', email: 'ken@example.com' } },
  );
  await desk.deliveries.idle();
  return { desk, clock, ticket };
}
