import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations } from '../../../../test/support/axe.js';
import { launchChromium } from '../../../../test/support/chromium.js';
import { type App, startApp } from '../../src/app/index.js';

/**
 * The tour: the seed scenario played through the reference app's pages in
 * real Chromium, customers and agents in their own browser contexts at once.
 * Axe (WCAG 2.1 A/AA) runs on every page visited; no page breaks its CSP.
 * Screenshots go to docs/images/tour-*.png (docs/guides/tour.md).
 */

const IMAGES = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));
const AXE = readFileSync(fileURLToPath(new URL('../../../../node_modules/axe-core/axe.min.js', import.meta.url)));

let dir: string;
let app: App;
let browser: Browser;
const contexts: BrowserContext[] = [];
const cspViolations: string[] = [];
const pages: Record<string, Page> = {};

/** A page signed in as the persona, in its own browser context (its own cookies). */
async function signIn(persona: string, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  contexts.push(context);
  await context.addCookies([{ name: 'demo-persona', value: persona, url: app.url }]);
  // axe is served to the test's pages only, from the page's own origin (the CSP allows 'self').
  await context.route('**/__axe.js', (route) => route.fulfill({ body: AXE, contentType: 'text/javascript' }));
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(`${persona}: ${message.text()}`);
  });
  await page.goto(`${app.url}${path}`);
  pages[persona] = page;
  return page;
}

async function axe(page: Page, view: string) {
  expect(await axeViolations(page, { url: '/__axe.js' }), `axe violations in the ${view}`).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(IMAGES, `tour-${name}.png`) });
/** Scrolls the console's ticket view back to its heading, for a screenshot that shows whose ticket it is. */
async function toHeading(page: Page, subject: string) {
  const heading = page.getByRole('heading', { name: new RegExp(`· ${subject}$`) });
  // The view re-renders when the live stream reports our own change: try again on the new heading.
  for (let tries = 0; tries < 5; tries++) {
    try {
      return await heading.scrollIntoViewIfNeeded({ timeout: 2_000 });
    } catch {
      await page.waitForTimeout(100);
    }
  }
}
const status = async (number: string) => (await app.desk.tickets.get(number, { actor: { type: 'system' } })).status;
const facts = (page: Page) => page.locator('ticketkit-console dl.facts');

/** The customer opens a request in the widget and reads its number. */
async function submit(page: Page, subject: string, body: string, priority?: string): Promise<string> {
  await page.getByRole('button', { name: 'Contact support' }).click();
  if (priority) await page.getByLabel('Priority').selectOption(priority);
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('How can we help?').fill(body);
  await page.getByRole('button', { name: 'Send request' }).click();
  const heading = page.getByRole('heading', { name: /^Request #\S+ received$/ });
  await heading.waitFor({ timeout: 20_000 });
  return /#(\S+) /.exec((await heading.textContent()) ?? '')?.[1] ?? '';
}

/** The customer opens one of their requests from "My requests". */
async function openRequest(page: Page, subject: RegExp) {
  const mine = page.getByRole('button', { name: 'My requests' });
  if (!(await mine.isVisible())) await page.getByRole('button', { name: 'Contact support' }).click();
  await page.getByRole('button', { name: 'My requests' }).click();
  await page.getByRole('button', { name: subject }).click();
}

/** The agent opens a ticket from the current queue. */
async function openTicket(page: Page, number: string, subject: string) {
  await page
    .getByRole('button', { name: new RegExp(subject) })
    .first()
    .click();
  await page.getByRole('heading', { name: `#${number} · ${subject}` }).waitFor();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'support-desk-tour-'));
  mkdirSync(IMAGES, { recursive: true });
  app = await startApp({ port: 0, dataDir: dir });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the seed scenario, played through the UI', () => {
  let ken = '';
  let karen = '';

  test('Ken submits a password reset on the bank site and sees his number; Isabella sees it arrive live', async () => {
    const isabella = await signIn('isabella', '/console');
    await isabella.getByRole('button', { name: /^Open/ }).waitFor();
    const kenPage = await signIn('ken', '/');
    await shot(kenPage, '1-bank');
    await axe(kenPage, 'bank site');
    ken = await submit(kenPage, 'Password reset', 'I forgot my password and cannot log in to online banking.');
    expect(ken).toMatch(/^\S+$/);
    await shot(kenPage, '2-ken-submitted');
    await axe(kenPage, 'bank site with the widget open');
    // No reload: the console's live stream brings it.
    await isabella.getByRole('button', { name: /Password reset/ }).waitFor();
    // Open lists the most urgent first: Ken’s normal ticket without an SLA plan yet is far down the list.
    await isabella.getByRole('button', { name: /Password reset/ }).scrollIntoViewIfNeeded();
    await shot(isabella, '3-console-arrives');
    await axe(isabella, 'console queue');
  });

  test('Isabella assigns it to herself, sets SEV C, replies warmly with a canned response', async () => {
    const page = pages.isabella as Page;
    await openTicket(page, ken, 'Password reset');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => facts(page).textContent()).toContain('Isabella');
    await page.getByLabel('SLA plan').selectOption({ label: 'SEV C' });
    await expect
      .poll(async () => (await app.desk.tickets.get(ken, { actor: { type: 'system' } })).slaPlanId)
      .toBe('sev-c');
    await page.getByLabel('Canned response').selectOption('password-reset-warm');
    const reply = page.getByRole('textbox', { name: 'Reply to the customer' });
    await expect.poll(() => reply.inputValue()).toContain(`ticket #${ken}`);
    expect(await reply.inputValue()).toContain('Hi Ken');
    await shot(page, '4-canned-reply');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Conversation and history' }).textContent())
      .toContain('happy to help');
    await axe(page, 'console ticket');
  });

  test('Karen reports a mobile-banking crash as high priority; Isabella transfers it to Winston at Level 2 with a note', async () => {
    const karenPage = await signIn('karen', '/');
    karen = await submit(
      karenPage,
      'Mobile banking app crashes',
      'The app closes as soon as I open Transfers.',
      'High',
    );
    // The bank's form offers the priority (`intake.priority`); high gets SEV B.
    expect(await app.desk.tickets.get(karen, { actor: { type: 'system' } })).toMatchObject({
      priority: 'high',
      slaPlanId: 'sev-b',
    });
    const page = pages.isabella as Page;
    await page.getByRole('button', { name: /Mobile banking app crashes/ }).waitFor();
    await openTicket(page, karen, 'Mobile banking app crashes');
    await page.getByRole('button', { name: 'Transfer…' }).click();
    const form = page.getByRole('form', { name: 'Transfer' });
    await form.getByLabel('Department').selectOption('level-2');
    await form.getByLabel('Agent (optional)').selectOption('winston');
    await form
      .getByLabel('Note for the colleagues there')
      .fill('Hi Winston, could you please take this one? The app crashes on the Transfers screen. Thank you!');
    await shot(page, '5-transfer');
    await axe(page, 'transfer form');
    await form.getByRole('button', { name: 'Transfer' }).click();
    await expect
      .poll(async () => (await app.desk.tickets.get(karen, { actor: { type: 'system' } })).assigneeId)
      .toBe('winston');
  });

  test('Winston finds it in Mine, adds an internal note, requests information', async () => {
    const page = await signIn('winston', '/console');
    await page.getByRole('button', { name: /^Mine/ }).click();
    // His Mine counts the ticket Isabella just transferred to him. He works in Level 2 only, so his sidebar has
    // no department rows (they would repeat these counts).
    const winston = { type: 'agent', id: 'winston' } as const;
    const mine = await app.desk.queues.list('mine', { actor: winston, departmentId: 'level-2', limit: 100 });
    expect(mine.items.map((ticket) => ticket.number)).toContain(karen);
    const mineCount = page.getByRole('button', { name: /^Mine/ }).locator('.count');
    await expect.poll(() => mineCount.textContent()).toBe(String(mine.items.length));
    expect(await page.getByRole('list', { name: 'Mine by department' }).count()).toBe(0);
    await openTicket(page, karen, 'Mobile banking app crashes');
    await page.getByRole('button', { name: 'Internal note', pressed: false }).click();
    await page
      .getByRole('textbox', { name: 'Internal note — not sent to the customer' })
      .fill('Looks like the 4.2.1 crash on Android 15 — checking with the mobile team.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('article', { name: /Internal note — not sent to the customer/ }).waitFor();
    await page.getByRole('button', { name: 'Request info', pressed: false }).click();
    await page
      .getByRole('textbox', { name: 'What do you need from the customer?' })
      .fill('Hi Karen, which phone and app version do you use?');
    await page.getByRole('button', { name: 'Send and await the customer' }).click();
    await expect.poll(() => status(karen)).toBe('awaiting_customer');
    await toHeading(page, 'Mobile banking app crashes');
    await shot(page, '6-internal-note');
    await axe(page, 'console ticket with an internal note');
  });

  test('Karen answers from her widget (never seeing the note); the ticket moves back to Winston', async () => {
    const page = pages.karen as Page;
    await page.reload();
    await openRequest(page, /Mobile banking app crashes/);
    await page.getByText('which phone and app version').waitFor();
    expect(await page.getByText(/4\.2\.1 crash on Android 15/).count()).toBe(0);
    await page.getByLabel('Your reply').fill('A Pixel 8 with app version 4.2.1.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('A Pixel 8 with app version 4.2.1.').waitFor();
    await shot(page, '7-karen-answers');
    await axe(page, 'widget thread');
    await expect.poll(() => status(karen)).not.toBe('awaiting_customer');
    const winston = pages.winston as Page;
    await expect.poll(() => facts(winston).textContent()).not.toMatch(/Awaiting/i);
  });

  test('Winston resolves with a resolution note; closing before Karen confirms is refused, the reason shown', async () => {
    const page = pages.winston as Page;
    await page.getByRole('button', { name: 'Resolve…' }).click();
    const form = page.getByRole('form', { name: 'Resolve' });
    await form
      .getByLabel('Resolution note (internal, required)')
      .fill('Known crash of 4.2.1 on Android 15; fixed in 4.2.2, released today.');
    await form
      .getByLabel('Final reply to the customer (optional)')
      .fill('Thanks Karen! Version 4.2.2 fixes the crash — please update and let us know.');
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => status(karen)).toBe('resolved');
    const close = page.getByRole('button', { name: 'Close', exact: true });
    await expect.poll(() => close.isDisabled()).toBe(true);
    await page.getByText(/Closes when the customer confirms the resolution/).waitFor();
    await toHeading(page, 'Mobile banking app crashes');
    await shot(page, '8-close-refused');
  });

  test('Karen confirms and rates', async () => {
    const page = pages.karen as Page;
    await page.reload();
    await openRequest(page, /Mobile banking app crashes/);
    await page.getByText('Is your issue solved?').waitFor();
    await page.getByLabel('5 of 5').check({ force: true });
    await page.getByLabel('Comment').fill('Works again, thank you!');
    await shot(page, '9-karen-rates');
    await page.getByRole('button', { name: 'Yes, it is solved' }).click();
    await page.getByText('Thank you for your feedback.').waitFor();
    const ticket = await app.desk.tickets.get(karen, { actor: { type: 'system' } });
    expect(ticket.status).toBe('closed');
    expect(ticket.feedback).toMatchObject({ rating: 5, comment: 'Works again, thank you!' });
  });

  test('Isabella resolves Ken’s ticket; Ken reopens it from the widget', async () => {
    const page = pages.isabella as Page;
    await page.getByRole('button', { name: /^Mine/ }).click();
    await openTicket(page, ken, 'Password reset');
    await page.getByRole('button', { name: 'Resolve…' }).click();
    const form = page.getByRole('form', { name: 'Resolve' });
    await form.getByLabel('Resolution note (internal, required)').fill('Ken used the reset link.');
    await form.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => status(ken)).toBe('resolved');
    const kenPage = pages.ken as Page;
    await kenPage.reload();
    await openRequest(kenPage, /Password reset/);
    await kenPage.getByRole('button', { name: 'No, reopen it' }).click();
    await kenPage.getByLabel('Your reply').waitFor();
    await expect.poll(() => status(ken)).not.toBe('resolved');
    await shot(kenPage, '10-ken-reopens');
  });

  test('the Mailbox shows each notification; a reply typed there lands on the ticket', async () => {
    const page = pages.isabella as Page;
    await page.goto(`${app.url}/mailbox`);
    const subjects = await page.locator('.message h2').allTextContents();
    expect(subjects.some((subject) => subject.includes(`[#${ken}]`))).toBe(true);
    expect(subjects.some((subject) => subject.includes(`[#${karen}]`))).toBe(true);
    // What each of them was told, as their mail client shows it.
    const to = (address: string) => page.locator('.message', { hasText: address }).allTextContents();
    expect((await to('ken@example.com')).join('\n')).toContain('I am happy to help!');
    expect((await to('karen@example.com')).join('\n')).toContain('which phone and app version do you use?');
    expect((await to('karen@example.com')).join('\n')).not.toContain('4.2.1 crash on Android 15');
    const toKen = page.locator('.message', { hasText: 'ken@example.com' }).first();
    await shot(page, '11-mailbox');
    await axe(page, 'mailbox');
    await toKen.getByText(/^Reply as/).click();
    await toKen.getByLabel('Your reply').fill('The new link worked, thank you!');
    await toKen.getByRole('button', { name: 'Send reply' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `added it to ticket #${ken}` })
      .waitFor();
    const thread = await app.desk.tickets.thread(ken, { actor: { type: 'system' } });
    expect(thread.at(-1)?.body).toBe('The new link worked, thank you!');
    await axe(page, 'mailbox after a reply');
  });

  test('the auto-response’s follow link opens Karen’s request in a browser that was never signed in', async () => {
    const autoResponse = app.mail
      .messages()
      .find((message) => message.to.includes('karen@example.com') && message.subject.includes(`[#${karen}]`));
    const link = /http:\/\/\S+#tk=\S+/.exec(autoResponse?.text ?? '')?.[0] ?? '';
    expect(link.startsWith(`${app.url}/#tk=${karen}.`)).toBe(true);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Mobile banking app crashes' }).waitFor();
    await page.getByText('The app closes as soon as I open Transfers.').waitFor();
    // The token is taken off the address bar once read; nothing of Karen's session was ever here.
    expect(page.url()).toBe(`${app.url}/`);
    expect(await context.cookies()).toEqual([]);
  });

  test('an overdue ticket shows in Overdue with its badge', async () => {
    const page = pages.isabella as Page;
    await page.goto(`${app.url}/console`);
    await page.getByRole('button', { name: /^Overdue/ }).click();
    const row = page.locator('ticketkit-console button.row').first();
    await expect.poll(() => row.textContent()).toMatch(/overdue/i);
    await shot(page, '12-overdue');
    await axe(page, 'overdue queue');
  });

  test('no page broke its CSP', () => {
    expect(cspViolations).toEqual([]);
  });
});
