import { existsSync, readFileSync } from 'node:fs';
import { createHelpDesk, hmacAccessToken, type Notification } from '@ticketkit/core';
import { afterEach, expect, test } from 'vitest';
import { sqliteStorage } from '../src/index.js';
import { tempDirectory } from './support/temp-database.js';

/**
 * What a notification costs in the file: a delivery row holds the ticket's
 * summary, so its size does not grow with the ticket's custom fields however
 * many recipients there are, and the customer's access token in their link
 * is never written.
 */

const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const made of temps.splice(0)) made.cleanup();
});

const SECRET = 'a-test-secret-of-at-least-32-characters';

test('bytes written per delivery do not grow with the fields, and no plaintext token reaches the file', async () => {
  const temp = tempDirectory();
  temps.push(temp);
  const storage = sqliteStorage({ filename: temp.file() });
  const sent: Notification[] = [];
  const derive = hmacAccessToken(SECRET);
  const desk = await createHelpDesk({
    storage,
    logger: { warn() {}, error() {} },
    // A host may allow large fields; its deliveries must not copy them.
    fieldLimits: { maxBytes: 200_000, maxStringLength: 100_000 },
    notifiers: [{ id: 'mail', send: async (notification) => void sent.push(notification) }],
    links: {
      customer: (ticket, { accessToken }) => `https://desk.test/requests/${ticket.number}?token=${accessToken}`,
      accessToken: derive,
    },
  });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  for (const name of ['ann', 'bob', 'cid', 'dee', 'eve']) {
    await desk.agents.upsert({ id: name, name, email: `${name}@bank.test`, departmentIds: ['help'] });
  }
  const open = async (fields: Record<string, string>) => {
    const { ticket, accessToken } = await desk.tickets.openWithAccessToken(
      { subject: 'Printer jam', body: 'Floor 3.', departmentId: 'help', fields },
      { actor: { type: 'customer', email: 'ken@example.com' }, accessToken: { derive } },
    );
    await desk.deliveries.idle();
    const { rows, bytes } = storage.database
      .prepare('SELECT count(*) AS rows, sum(length(data)) AS bytes FROM deliveries WHERE ticket_id = ?')
      .get(ticket.id) as { rows: number; bytes: number };
    return { perDelivery: bytes / rows, rows, token: accessToken.token };
  };

  const small = await open({});
  const large = await open({ notes: 'n'.repeat(90_000), more: 'm'.repeat(90_000) });
  // An auto-response to the customer and a new-ticket alert to each of five agents.
  expect(small.rows).toBe(6);
  expect(large.rows).toBe(6);
  expect(large.perDelivery).toBeLessThan(3_000);
  expect(Math.abs(large.perDelivery - small.perDelivery)).toBeLessThan(100);

  // The customer got their token in the link; the file holds neither token anywhere.
  for (const { token } of [small, large]) {
    expect(sent.some((notification) => notification.text.includes(`?token=${token}`))).toBe(true);
  }
  await desk.close();
  const file = Buffer.concat(
    [temp.file(), `${temp.file()}-wal`].filter((name) => existsSync(name)).map((name) => readFileSync(name)),
  );
  for (const { token } of [small, large]) expect(file.includes(token)).toBe(false);
});
