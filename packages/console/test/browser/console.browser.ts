import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations } from '../../../../test/support/axe.js';
import { launchChromium } from '../../../../test/support/chromium.js';
import { startHost } from './host.js';

/**
 * `<ticketkit-console>` in real Chromium against a real server on SQLite:
 * an agent sees a ticket arrive live, assigns it, replies with a canned
 * response, adds an internal note, resolves; close is refused with its
 * reason shown; a colleague's change while typing keeps the draft; axe
 * finds no WCAG 2.1 A/AA violation in any view; the page runs under a CSP
 * without 'unsafe-inline'. Screenshots go to docs/images/console-*.png.
 */

const IMAGES = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));
const KEN = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
const KAREN = { type: 'customer', email: 'karen@example.com', name: 'Karen' } as const;
const WINSTON = { type: 'agent', id: 'winston' } as const;

let dir: string;
let host: Awaited<ReturnType<typeof startHost>>;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

async function axe(view: string, on: Page = page) {
  expect(await axeViolations(on, { url: '/axe.js' }), `axe violations in the ${view}`).toEqual([]);
}

const shot = (name: string, on: Page = page) => on.screenshot({ path: join(IMAGES, `console-${name}.png`) });
const thread = () => page.getByRole('list', { name: 'Conversation and history' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ticketkit-console-'));
  mkdirSync(IMAGES, { recursive: true });
  host = await startHost(dir);
  const { desk } = host;
  // Older tickets so the queues look real: one overdue, one awaiting the customer, one resolved.
  host.shiftClock(-2 * 24 * 3600_000);
  const old = await desk.tickets.open(
    { subject: 'Card declined abroad', body: 'My card does not work in Lisbon.', priority: 'high' },
    { actor: KAREN },
  );
  host.shiftClock(2 * 24 * 3600_000);
  await desk.scheduler.runOnce();
  const waiting = await desk.tickets.open(
    { subject: 'Statement for March missing', body: 'I cannot find it.' },
    { actor: KAREN },
  );
  await desk.tickets.requestInfo(
    waiting.id,
    { body: 'Which account is it for?' },
    { actor: { type: 'agent', id: 'isabella' } },
  );
  const done = await desk.tickets.open({ subject: 'Change of address', body: 'I moved.' }, { actor: KEN });
  await desk.tickets.resolve(done.id, { resolutionNote: 'Updated' }, { actor: { type: 'agent', id: 'isabella' } });
  expect(old.number).toBeTruthy();

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.addCookies([{ name: 'agent', value: 'isabella', url: host.origin }]);
  page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(host.origin);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an agent works a ticket in the console', () => {
  let number = '';

  test('the queues show live counts, SLA badges, and a new ticket arrives without reloading', async () => {
    const open = page.getByRole('button', { name: /^Open/ });
    await expect.poll(() => open.textContent()).toMatch(/Open\s*1/);
    await expect.poll(() => page.getByText(/^Overdue \d/).count()).toBeGreaterThan(0);

    const ticket = await host.desk.tickets.open(
      { subject: 'Password reset', body: 'I forgot my password and cannot log in to online banking.', source: 'web' },
      { actor: KEN },
    );
    number = ticket.number;
    const row = page.getByRole('button', { name: /Password reset/ });
    await row.waitFor();
    await expect.poll(() => open.textContent()).toMatch(/Open\s*2/);
    await expect.poll(() => row.textContent()).toMatch(/left/);
    await shot('queue');
    await axe('queue view');
  });

  test('assigns it to herself, replies with a canned response edited before sending', async () => {
    await page.getByRole('button', { name: /Password reset/ }).click();
    await page.getByRole('heading', { name: `#${number} · Password reset` }).waitFor();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.locator('dl.facts').textContent()).toContain('Isabella');

    await page.getByRole('combobox', { name: 'Canned response' }).selectOption('password-reset');
    const reply = page.getByRole('textbox', { name: 'Reply to the customer' });
    await expect.poll(() => reply.inputValue()).toContain(`ticket ${number}`);
    expect(await reply.inputValue()).toContain('Hi Ken');
    expect(await reply.inputValue()).toContain('— Isabella, Help Desk');
    await reply.press('End');
    await reply.press('Enter');
    await reply.pressSequentially('Let me know if it works!');
    await shot('composer');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => thread().textContent()).toContain('Let me know if it works!');
    expect(await reply.inputValue()).toBe('');
  });

  test('adds an internal note, unmistakably marked', async () => {
    await page.getByRole('button', { name: 'Internal note', pressed: false }).click();
    await page
      .getByRole('textbox', { name: 'Internal note — not sent to the customer' })
      .fill('Ken called too; identity verified by phone.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.getByRole('article', { name: /Internal note — not sent to the customer/ });
    await note.waitFor();
    expect(await note.textContent()).toContain('identity verified by phone');
    // Our own changes come back over the stream too; they are no news to us.
    await page.waitForTimeout(300);
    expect(await page.getByText(/while you were typing/).count()).toBe(0);
    const colours = await note.evaluate(
      (element) => getComputedStyle(element.parentElement as Element).backgroundColor,
    );
    expect(colours).not.toBe('rgba(0, 0, 0, 0)');
    await shot('ticket');
    await axe('ticket view');
  });

  test('a colleague’s change while typing is a notice, and the draft survives the conflict', async () => {
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const reply = page.getByRole('textbox', { name: 'Reply to the customer' });
    await reply.fill('Your new password works from now on.');
    await host.desk.tickets.update(number, { priority: 'high' }, { actor: { type: 'agent', id: 'isabella' } });
    await page.getByText(/changed this ticket while you were typing/).waitFor();
    expect(await reply.inputValue()).toBe('Your new password works from now on.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText(/Someone changed this ticket while you were typing/).waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply to the customer' }).inputValue()).toBe(
      'Your new password works from now on.',
    );
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => thread().textContent()).toContain('Your new password works from now on.');
  });

  test('resolves with a resolution note; close is refused with the reason shown', async () => {
    // The forms behind Assign… and Transfer… label every field too.
    for (const form of ['Assign', 'Transfer']) {
      await page.getByRole('button', { name: `${form}…` }).click();
      await page.getByRole('form', { name: form }).waitFor();
      await axe(`${form} form`);
      await page.getByRole('button', { name: 'Cancel' }).click();
    }
    await page.getByRole('button', { name: 'Resolve…' }).click();
    await page
      .getByRole('textbox', { name: 'Resolution note (internal, required)' })
      .fill('Sent a reset link; Ken logged in.');
    await page.getByRole('form', { name: 'Resolve' }).getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('dl.facts').textContent()).toContain('Resolved');
    const close = page.getByRole('button', { name: 'Close', exact: true });
    expect(await close.isDisabled()).toBe(true);
    expect(await page.getByText(/Closes when the customer confirms the resolution/).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reopen' }).isVisible()).toBe(true);
    // The server agrees: the same refusal over HTTP.
    const refused = await page.evaluate(async (ref) => {
      const response = await fetch(`/support/tickets/${ref}/close`, {
        method: 'POST',
        headers: { 'x-ticketkit-csrf': '1' },
      });
      return (await response.json()).code;
    }, number);
    expect(refused).toBe('CONFIRMATION_REQUIRED');
  });

  test('the delivery log lists every notification with its status and error', async () => {
    await page.getByText('Delivery log').click();
    const log = page.locator('details table');
    await log.waitFor();
    expect(await log.textContent()).toContain('ticket.reply_notice');
    await log.scrollIntoViewIfNeeded();
    await shot('deliveries');
    const karens = (await host.desk.queues.list('awaiting_customer', { actor: { type: 'agent', id: 'isabella' } }))
      .items[0];
    expect(karens).toBeTruthy();
  });

  test('keyboard shortcuts are listed with ?, and the dialog passes axe', async () => {
    await page.getByRole('heading', { name: /Password reset/ }).focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await shot('shortcuts');
    await axe('shortcuts dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('dark mode, and an agent of another department sees none of it', async () => {
    await page.getByRole('button', { name: 'Dark mode' }).click();
    await page.getByRole('button', { name: /Card declined abroad/ }).click();
    await page.getByRole('heading', { name: /Card declined abroad/ }).waitFor();
    await shot('dark');
    await axe('dark ticket view');
    const other = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    await other.addCookies([{ name: 'agent', value: 'winston', url: host.origin }]);
    const winston = await other.newPage();
    await winston.goto(`${host.origin}/?agent=winston`);
    await winston.getByText('Nothing here.').waitFor();
    await host.desk.tickets.open(
      { subject: 'App crashes on login', body: 'Since the update.', departmentId: 'level-2' },
      { actor: KAREN },
    );
    await winston.getByRole('button', { name: /App crashes on login/ }).waitFor();
    expect(await winston.getByRole('button', { name: /Password reset/ }).count()).toBe(0);
    await other.close();
    expect(WINSTON.id).toBe('winston');
  });

  test('an agent of one department gets no department rows (they would repeat the queue counts)', async () => {
    // Isabella works in the Help Desk only; the queue list is all her sidebar has.
    await page.getByRole('button', { name: /^Open \d/ }).waitFor();
    expect(await page.getByRole('list', { name: /by department$/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^All departments/ }).count()).toBe(0);
  });

  test('department rows count each department, filter the list, and follow a colleague’s transfer live', async () => {
    await host.desk.agents.upsert({ id: 'root', name: 'Root', email: 'root@bank.test', role: 'admin' });
    const lost = await host.desk.tickets.open({ subject: 'Lost card', body: 'I lost my card.' }, { actor: KEN });
    const admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await admin.addCookies([{ name: 'agent', value: 'root', url: host.origin }]);
    const root = await admin.newPage();
    root.setDefaultTimeout(8_000);
    await root.goto(`${host.origin}/?agent=root`);
    const departments = root.getByRole('list', { name: 'Open by department' });
    const row = (name: string) => departments.getByRole('button', { name: new RegExp(`^${name} \\d+ tickets$`) });
    const shown = async (name: string) => Number(await row(name).locator('.count').textContent());
    const expected = async () => {
      const counts = await host.desk.queues.countsByDepartment({ actor: { type: 'agent', id: 'root' } });
      return Object.fromEntries(counts.departments.map((each) => [each.name, each.counts.open]));
    };
    const before = await expected();
    expect(before).toMatchObject({ 'Help Desk': expect.any(Number), 'Level 2 Support': 1 });
    await expect.poll(() => shown('Help Desk')).toBe(before['Help Desk']);
    expect(await shown('Level 2 Support')).toBe(1);
    expect(await shown('All departments')).toBe((before['Help Desk'] ?? 0) + 1);

    // Keyboard: the row is a button like any other.
    await row('Level 2 Support').focus();
    await root.keyboard.press('Enter');
    await expect.poll(() => row('Level 2 Support').getAttribute('aria-pressed')).toBe('true');
    const tickets = root.getByRole('list', { name: 'Open · Level 2 Support' });
    await tickets.getByRole('button', { name: /App crashes on login/ }).waitFor();
    expect(await tickets.getByRole('button').count()).toBe(1);
    // The queue counts above follow the chosen department.
    await expect.poll(() => root.getByRole('button', { name: /^Open \d/ }).textContent()).toMatch(/Open\s*1$/);

    // Isabella transfers Ken's new ticket to Level 2: both rows and the narrowed list change without a reload.
    await host.desk.tickets.transfer(
      lost.id,
      { departmentId: 'level-2', note: 'Card services are with Level 2' },
      { actor: { type: 'agent', id: 'isabella' } },
    );
    await tickets.getByRole('button', { name: /Lost card/ }).waitFor();
    await expect.poll(() => shown('Level 2 Support')).toBe(2);
    expect(await shown('Help Desk')).toBe((before['Help Desk'] ?? 0) - 1);
    expect(await expected()).toMatchObject({ 'Help Desk': (before['Help Desk'] ?? 0) - 1, 'Level 2 Support': 2 });
    await shot('departments', root);
    await axe('department rows (light)', root);
    await root.getByRole('button', { name: 'Dark mode' }).click();
    await axe('department rows (dark)', root);

    await row('All departments').click();
    const all = root.getByRole('list', { name: 'Open', exact: true });
    await all.getByRole('button', { name: /Card declined abroad/ }).waitFor();
    expect(await all.getByRole('button', { name: /Lost card/ }).count()).toBe(1);
    await admin.close();
  });

  test('a search without a word is refused with the server’s reason', async () => {
    const box = page.getByRole('searchbox', { name: 'Search tickets' });
    await box.fill('!!');
    await box.press('Enter');
    await page.getByRole('alert').filter({ hasText: /word/ }).waitFor();
    await box.fill('Lisbon');
    await box.press('Enter');
    await page.getByRole('button', { name: /Card declined abroad/ }).waitFor();
  });

  test('keys switch queues and tickets; pages follow the API’s cursors', async () => {
    const paged = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    await paged.addCookies([{ name: 'agent', value: 'isabella', url: host.origin }]);
    const small = await paged.newPage();
    small.setDefaultTimeout(8_000);
    await small.goto(`${host.origin}/?pageSize=1`);
    const rows = small.locator('button.row');
    await small.getByRole('button', { name: /^Unassigned/ }).click();
    await expect.poll(() => rows.count()).toBe(1);
    const first = await rows.textContent();
    await small.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => rows.textContent()).not.toBe(first);
    await small.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => rows.textContent()).toBe(first);
    // Keys, with focus on nothing (as after loading): 6 is Resolved, j opens the first ticket there.
    await small.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await small.keyboard.press('6');
    await expect.poll(() => small.getByRole('button', { name: /^Resolved/ }).getAttribute('aria-current')).toBe('true');
    await small.keyboard.press('j');
    await small.getByRole('heading', { name: /Password reset|Change of address/ }).waitFor();
    await paged.close();
  });

  test('the page ran under a CSP without unsafe-inline, with the styles applied', async () => {
    const header = await page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy'));
    expect(header).not.toContain('unsafe-inline');
    const adopted = await page.evaluate(
      () => document.querySelector('ticketkit-console')?.shadowRoot?.adoptedStyleSheets.length ?? 0,
    );
    expect(adopted).toBe(1);
    expect(cspViolations).toEqual([]);
  });
});
