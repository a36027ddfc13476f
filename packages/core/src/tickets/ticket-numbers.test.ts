import { expect, test } from 'vitest';
import { createHelpDesk, isTicketkitError, memoryStorage } from '../index.js';
import { createStorageGateway } from '../storage/storage-gateway.js';
import { createTicketNumberer } from './ticket-numbers.js';

const gateway = () => createStorageGateway(memoryStorage());

test('a mask of # gives random digits with literal text kept around them', async () => {
  const numbers = createTicketNumberer({ format: 'TK-####-##' }, gateway());
  const seen = new Set<string>();
  for (let index = 0; index < 500; index++) {
    const number = await numbers.next();
    expect(number).toMatch(/^TK-\d{4}-\d{2}$/);
    seen.add(number);
  }
  // 500 draws from a million values: collisions are possible but rare; sameness would mean no randomness.
  expect(seen.size).toBeGreaterThan(490);
  const digits = [...seen].join('').replace(/\D/g, '');
  for (const digit of '0123456789') expect(digits.split(digit).length - 1).toBeGreaterThan(150);
});

test('a sequence pads to the mask and grows past it', async () => {
  const storage = gateway();
  const numbers = createTicketNumberer({ format: 'REQ-###', sequence: true }, storage);
  expect(await numbers.next()).toBe('REQ-001');
  expect(await numbers.next()).toBe('REQ-002');
  for (let index = 3; index < 1_000; index++) await numbers.next();
  expect(await numbers.next()).toBe('REQ-1000');
});

test('bad masks are refused when the desk is created', () => {
  for (const format of ['', 'TK-', 'has space #', 'x'.repeat(33), '<script>#']) {
    expect(() => createTicketNumberer({ format }, gateway()), format).toThrow(/ticketNumber\.format/);
  }
  expect(() => createTicketNumberer({ format: '##-##', sequence: true }, gateway())).toThrow(/one run of '#'/);
});

test('random numbers are unique: collisions are retried, and an exhausted mask fails clearly', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage(), ticketNumber: { format: 'T#' } });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  const actor = { type: 'customer', email: 'ken@example.com' } as const;
  const numbers = new Set<string>();
  let exhausted: unknown;
  for (let index = 0; index < 40 && !exhausted; index++) {
    await desk.tickets
      .open({ subject: `Ticket ${index}`, body: 'x', departmentId: 'help' }, { actor })
      .then((ticket) => numbers.add(ticket.number))
      .catch((error: unknown) => {
        exhausted = error;
      });
  }
  expect(numbers.size).toBeGreaterThanOrEqual(5);
  expect(numbers.size).toBeLessThanOrEqual(10);
  expect(isTicketkitError(exhausted, 'CONFLICT')).toBe(true);
  expect((exhausted as Error).message).toMatch(/give ticketNumber\.format more '#' digits/);
});

test('tickets can be found by number as well as by id', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage(), ticketNumber: { format: '######', sequence: true } });
  await desk.departments.upsert({ id: 'help', name: 'Help' });
  const actor = { type: 'customer', email: 'ken@example.com' } as const;
  const ticket = await desk.tickets.open({ subject: 'Hi', body: 'x', departmentId: 'help' }, { actor });
  expect(ticket.number).toBe('000001');
  expect((await desk.tickets.get('000001', { actor })).id).toBe(ticket.id);
  expect((await desk.tickets.get(ticket.id, { actor })).number).toBe('000001');
});
