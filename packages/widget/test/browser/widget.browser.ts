import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { axeViolations } from '../../../../test/support/axe.js';
import { followUrl } from '../../src/index.js';
import { launchChromium, settled } from './chromium.js';
import { type Host, startHost } from './host.js';

/**
 * `<ticketkit-widget>` in Debian's Chromium against the real server on
 * 127.0.0.1 with SQLite storage: one browser, a fresh context per test.
 */

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser: Browser;
let host: Host;

beforeAll(async () => {
  [browser, host] = await Promise.all([launchChromium(), startHost()]);
});
beforeEach(() => {
  host.faults.failAfterCommit = 0;
  host.faults.failBefore = 0;
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

async function visit(path = '/', options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(host.origin + path);
  return { context, page, errors };
}

const launcher = (page: Page) => page.getByRole('button', { name: 'Contact support' });

async function fill(page: Page, subject: string, email = 'ken@example.com') {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Your plan').selectOption('Pro');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('How can we help?').fill(`${subject}: details`);
}

/** The ticket number the success view shows. */
async function submitted(page: Page): Promise<string> {
  const heading = page.getByRole('heading', { name: /^Request #\S+ received$/ });
  await heading.waitFor({ timeout: 20_000 });
  // Ticket numbers are strings (they may start with zeros): never through Number().
  return /#(\S+) /.exec((await heading.textContent()) ?? '')?.[1] ?? '';
}

async function countSubject(subject: string) {
  const all = await host.desk.queues.list('all' as never, { actor: { type: 'system' }, limit: 100 } as never);
  return (all.items as { subject: string }[]).filter((t) => t.subject === subject).length;
}

async function axe(page: Page) {
  await settled(page);
  return axeViolations(page, { content: AXE });
}

test('submit: the ticket is in the desk with every field, and the follow link opens it on another device', async () => {
  const { page, context, errors } = await visit();
  await launcher(page).click();
  await page.getByLabel('Your name').fill('Ken Adams');
  await page.getByLabel('Topic').selectOption('bug');
  await page.getByLabel('Department').selectOption('billing');
  await page.getByLabel('Order number').fill('A-1001');
  await fill(page, 'Invoice shows the wrong VAT');
  const counter = page.locator('#tk-subject-c');
  expect(await counter.textContent()).toBe(`\u2066${'Invoice shows the wrong VAT'.length} / 255\u2069`);
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  const ticket = await host.desk.tickets.get(number, { actor: { type: 'system' } });
  expect(ticket).toMatchObject({
    subject: 'Invoice shows the wrong VAT',
    requester: { email: 'ken@example.com', name: 'Ken Adams' },
    topic: 'bug',
    departmentId: 'billing',
    source: 'web',
    fields: { orderId: 'A-1001', plan: 'Pro' },
  });
  const thread = await host.desk.tickets.thread(number, { actor: { type: 'system' } });
  expect(thread[0]?.body).toBe('Invoice shows the wrong VAT: details');
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('ticketkit:tokens') ?? '{}'));
  await context.close();

  // The auto-response email's link, opened in a browser that never saw the ticket.
  const other = await visit('/');
  await other.page.goto(followUrl(`${host.origin}/`, number, token[number]));
  await other.page.getByRole('heading', { name: 'Invoice shows the wrong VAT' }).waitFor();
  expect(other.page.url()).not.toContain('tk=');
  expect(await other.page.getByText('Invoice shows the wrong VAT: details').count()).toBe(1);
  expect(errors).toEqual([]);
  await other.context.close();
});

test('priority where the desk allows it: the select is offered and the desk has the chosen priority; none where not', async () => {
  const { page, context } = await visit();
  await launcher(page).click();
  await page.getByLabel('Priority').selectOption('High');
  await fill(page, 'Card declined at checkout');
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  expect((await host.desk.tickets.get(number, { actor: { type: 'system' } })).priority).toBe('high');
  await context.close();

  // A desk without `intake.priority` answers `priorities: null`: no select.
  const plain = await browser.newContext({ locale: 'en-US' });
  await plain.route('**/support/intake-schema', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), priorities: null } });
  });
  const other = await plain.newPage();
  await other.goto(host.origin);
  await launcher(other).click();
  await other.getByLabel('Subject').waitFor();
  expect(await other.getByLabel('Priority').count()).toBe(0);
  await plain.close();
});

test('offline, submit, reload, online: exactly one ticket, even when answers were lost', async () => {
  const subject = 'Offline request';
  const { page, context } = await visit();
  await launcher(page).click();
  await fill(page, subject);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByText('You are offline').waitFor();
  // Back online, every answer is lost after the server committed: the widget must keep its one key.
  host.faults.failAfterCommit = 2;
  await context.setOffline(false);
  await page.getByText(/Trying again in/).waitFor({ timeout: 10_000 });
  await page.reload();
  expect(await countSubject(subject)).toBe(1);
  await launcher(page).click();
  const number = await submitted(page);
  expect(host.faults.failAfterCommit).toBe(0);
  expect(await countSubject(subject)).toBe(1);
  expect((await host.desk.tickets.get(number, { actor: { type: 'system' } })).subject).toBe(subject);
  await context.close();
});

test('a double-click sends one ticket', async () => {
  const subject = 'Double click';
  const { page, context } = await visit();
  await launcher(page).click();
  await fill(page, subject);
  await page.getByRole('button', { name: 'Send request' }).dblclick();
  await submitted(page);
  expect(await countSubject(subject)).toBe(1);
  await context.close();
});

test('503 (after the server committed) then success: one ticket; 503 before it: retried too', async () => {
  const subject = '503 then success';
  const { page, context } = await visit();
  await launcher(page).click();
  await fill(page, subject);
  host.faults.failAfterCommit = 1;
  host.faults.failBefore = 1;
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByText(/Trying again in \d+ s/).waitFor();
  await submitted(page);
  expect(await countSubject(subject)).toBe(1);
  await context.close();
});

test('429 shows the wait from Retry-After, then sends', async () => {
  const { page, context } = await visit();
  let refused = 0;
  await page.route('**/support/tickets', async (route) => {
    if (refused++ === 0) {
      await route.fulfill({
        status: 429,
        headers: { 'retry-after': '2', 'content-type': 'application/problem+json' },
        body: '{"status":429,"code":"RATE_LIMITED"}',
      });
    } else await route.continue();
  });
  await launcher(page).click();
  await fill(page, 'Rate limited');
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByText('Too many requests. Please wait 2 s.').waitFor();
  await submitted(page);
  await context.close();
});

test('client-side checks, then the server’s 422 field path lands on its field', async () => {
  const { page, context } = await visit();
  await launcher(page).click();
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByText('Please check the highlighted fields.').waitFor();
  const email = page.getByLabel('Email');
  expect(await email.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#tk-subject-e').textContent()).toBe('Please fill this in.');
  expect(await page.evaluate(() => document.querySelector('ticketkit-widget')?.shadowRoot?.activeElement?.id)).toBe(
    'tk-email',
  );
  // Passes the widget's check, fails the server's (consecutive dots): 422 at /requester/email.
  await fill(page, 'Bad email', 'ken@example..com');
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.locator('#tk-email-e').getByText('must be an email address').waitFor();
  expect(await email.getAttribute('aria-invalid')).toBe('true');
  expect(await countSubject('Bad email')).toBe(0);
  // Fixed, it goes through.
  await email.fill('ken@example.com');
  await page.getByRole('button', { name: 'Send request' }).click();
  await submitted(page);
  await context.close();
});

test('keyboard only: launcher to confirmation, focus trapped in the dialog, Esc returns focus to the launcher', async () => {
  const { page, context } = await visit();
  const shadowFocus = () =>
    page.evaluate(() => {
      const active = document.querySelector('ticketkit-widget')?.shadowRoot?.activeElement;
      return active ? `${active.tagName.toLowerCase()}#${active.id}|${active.textContent}` : null;
    });
  await launcher(page).waitFor();
  await page.keyboard.press('Tab');
  expect(await shadowFocus()).toMatch(/^button#\|Contact support/);
  await page.keyboard.press('Enter');
  expect(await shadowFocus()).toMatch(/^input#tk-name/);
  // Shift+Tab from the first field cycles through the dialog and never leaves it.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await shadowFocus()).not.toBeNull();
  }
  await page.keyboard.press('Escape');
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect(await shadowFocus()).toMatch(/Contact support/);
  await page.keyboard.press('Enter');
  await page.keyboard.type('Kim');
  await page.keyboard.press('Tab');
  await page.keyboard.type('kim@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // topic
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab'); // department left unchosen
  await page.keyboard.press('Tab'); // priority left unchosen
  await page.keyboard.type('Keyboard only');
  await page.keyboard.press('Tab');
  await page.keyboard.type('No mouse here.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab'); // order number left empty
  await page.keyboard.press('ArrowDown'); // plan
  await page.keyboard.press('Tab');
  expect(await shadowFocus()).toMatch(/Send request/);
  await page.keyboard.press('Enter');
  await submitted(page);
  expect(await shadowFocus()).toMatch(/^h3#\|Request #AC-0\d{4} received/);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // follow this request
  await page.getByRole('heading', { name: 'Keyboard only' }).waitFor();
  expect(await countSubject('Keyboard only')).toBe(1);
  await context.close();
});

test('axe-core finds no WCAG 2.1 A/AA violation in any view, light and dark', async () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const { page, context } = await visit('/', { colorScheme });
    expect(await axe(page), 'launcher').toEqual([]);
    await launcher(page).click();
    await page.getByLabel('Email').waitFor();
    expect(await axe(page), 'form').toEqual([]);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Please check the highlighted fields.').waitFor();
    expect(await axe(page), 'errors').toEqual([]);
    await fill(page, `Axe ${colorScheme}`);
    await page.getByRole('button', { name: 'Send request' }).click();
    const number = await submitted(page);
    expect(await axe(page), 'success').toEqual([]);
    await host.desk.tickets.reply(number, { body: 'We are on it.' }, { actor: { type: 'agent', id: 'ann' } });
    await page.getByRole('button', { name: 'My requests' }).click();
    await page.getByRole('button', { name: new RegExp(`Axe ${colorScheme}`) }).waitFor();
    expect(await axe(page), 'list').toEqual([]);
    await page.getByRole('button', { name: new RegExp(`Axe ${colorScheme}`) }).click();
    await page.getByText('We are on it.').waitFor();
    expect(await axe(page), 'thread').toEqual([]);
    await context.close();
  }
});

test('a strict-CSP page on another origin: no policy violation, and the widget works cross-origin', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  await page.goto(host.cspOrigin);
  await launcher(page).click();
  await fill(page, 'Strict CSP');
  await page.getByRole('button', { name: 'Send request' }).click();
  await submitted(page);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  expect(console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
  const styled = await page.evaluate(() => {
    const button = document.querySelector('ticketkit-widget')?.shadowRoot?.querySelector('.btn');
    return button ? getComputedStyle(button).minHeight : null;
  });
  expect(styled).toBe('44px');
  await context.close();
});

test('without constructable stylesheets, the styles come as <style nonce> and a nonce-only CSP allows them', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    // An older browser: no adoptedStyleSheets.
    delete (ShadowRoot.prototype as unknown as Record<string, unknown>).adoptedStyleSheets;
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { violations: string[] }).violations.push(event.violatedDirective),
    );
  });
  await page.goto(`${host.origin}/nonce`);
  await launcher(page).click();
  const styled = await page.evaluate(() => {
    const root = document.querySelector('ticketkit-widget')?.shadowRoot;
    return {
      style: root?.querySelector('style')?.nonce,
      minHeight: getComputedStyle(root?.querySelector('input') as HTMLElement).minHeight,
      violations: (window as unknown as { violations: string[] }).violations,
    };
  });
  expect(styled).toEqual({ style: 't3st-n0nce', minHeight: '44px', violations: [] });
  await context.close();
});

test('hostile global CSS: the widget stays usable, and its styles do not leak into the page', async () => {
  const { page, context } = await visit('/hostile');
  await launcher(page).click();
  const email = page.getByLabel('Email');
  expect(await email.isVisible()).toBe(true);
  const sizes = await page.evaluate(() => {
    const root = document.querySelector('ticketkit-widget')?.shadowRoot;
    const input = root?.querySelector('input[type=email]') as HTMLElement;
    const panel = root?.querySelector('.panel') as HTMLElement;
    return {
      font: getComputedStyle(input).fontSize,
      position: getComputedStyle(panel).position,
      para: getComputedStyle(document.getElementById('para') as HTMLElement).fontSize,
    };
  });
  expect(sizes).toEqual({ font: '16px', position: 'fixed', para: '9px' });
  await fill(page, 'Hostile CSS');
  await page.getByRole('button', { name: 'Send request' }).click();
  await submitted(page);
  await context.close();
});

test('another customer’s token never shows a ticket', async () => {
  const open = (email: string, subject: string) =>
    fetch(`${host.origin}/support/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requester: { email }, subject, body: 'Private', fields: { plan: 'Free' } }),
    }).then((r) => r.json() as Promise<{ ticket: { number: string }; accessToken: string }>);
  const mine = await open('ken@example.com', 'Ken’s private request');
  const theirs = await open('eve@example.com', 'Eve’s private request');
  const { page, context } = await visit('/');
  await page.goto(followUrl(`${host.origin}/`, mine.ticket.number, theirs.accessToken));
  await page.getByText('This request could not be opened.').waitFor();
  expect(await page.getByText(/private request/).count()).toBe(0);
  expect(await page.evaluate(() => sessionStorage.getItem('ticketkit:tokens'))).toBeNull();
  await page.getByRole('button', { name: 'My requests' }).click();
  await page.getByText('No requests on this device yet.').waitFor();
  await context.close();
});

test('logout() leaves nothing in storage', async () => {
  const { page, context } = await visit('/page?attrs=storage%3Dlocal');
  await launcher(page).click();
  await fill(page, 'Logout');
  await page.getByRole('button', { name: 'Send request' }).click();
  await submitted(page);
  await page.getByLabel('Subject').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'New request' }).first().click();
  await page.getByLabel('Subject').fill('A draft');
  const before = await page.evaluate(() => Object.keys(localStorage));
  expect(before).toEqual(expect.arrayContaining(['ticketkit:tokens', 'ticketkit:draft']));
  await page.evaluate(() => document.querySelector('ticketkit-widget')?.logout());
  expect(await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)])).toEqual([]);
  expect(await page.getByLabel('Subject').inputValue()).toBe('');
  await context.close();
});

test('thread: an agent reply full of HTML is text and runs nothing; reply, confirm with a rating, reopen', async () => {
  const { page, context, errors } = await visit();
  await launcher(page).click();
  await fill(page, 'Thread actions');
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  const agent = { actor: { type: 'agent' as const, id: 'ann' } };
  const hostile =
    '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> <a href="javascript:window.pwned=3">click</a>';
  await host.desk.tickets.reply(number, { body: hostile }, agent);
  await page.getByRole('button', { name: 'Follow this request' }).click();
  await page.getByText(hostile).waitFor();
  const found = await page.evaluate(() => {
    const root = document.querySelector('ticketkit-widget')?.shadowRoot;
    return {
      img: root?.querySelectorAll('img,script,a').length,
      pwned: (window as unknown as { pwned?: number }).pwned ?? null,
    };
  });
  expect(found).toEqual({ img: 0, pwned: null });
  // The customer answers.
  await page.getByLabel('Your reply').fill('Thanks, trying it now.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Thanks, trying it now.').waitFor();
  // The agent resolves; the customer confirms with four stars and a comment.
  await host.desk.tickets.resolve(number, { resolutionNote: 'VAT fixed', body: 'Fixed on our side.' }, agent);
  await page.getByRole('button', { name: 'My requests' }).click();
  await page.getByRole('button', { name: /Thread actions/ }).click();
  await page.getByText('Is your issue solved?').waitFor();
  await page.getByLabel('4 of 5').check({ force: true });
  await page.getByLabel('Comment').fill('Quick and kind.');
  await page.getByRole('button', { name: 'Yes, it is solved' }).click();
  await page.getByText('Thank you for your feedback.').waitFor();
  const closed = await host.desk.tickets.get(number, { actor: { type: 'system' } });
  expect(closed.status).toBe('closed');
  expect(closed.feedback).toMatchObject({ rating: 4, comment: 'Quick and kind.' });
  // Within the window it can be reopened.
  await page.getByRole('button', { name: 'No, reopen it' }).click();
  await page.getByLabel('Your reply').waitFor();
  expect((await host.desk.tickets.get(number, { actor: { type: 'system' } })).status).not.toBe('closed');
  expect(errors).toEqual([]);
  await context.close();
});

test('a long thread and a long comment scroll inside the dialog; its header and tabs stay in view', async () => {
  const { page, context } = await visit('/', { viewport: { width: 1280, height: 640 } });
  await launcher(page).click();
  await fill(page, 'Long comment');
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  const agent = { actor: { type: 'agent' as const, id: 'ann' } };
  await host.desk.tickets.reply(number, { body: 'We are looking into it. '.repeat(20) }, agent);
  await host.desk.tickets.resolve(number, { resolutionNote: 'Done', body: 'Fixed on our side.' }, agent);
  await page.getByRole('button', { name: 'Follow this request' }).click();
  await page.getByText('Is your issue solved?').waitFor();
  await page.getByLabel('5 of 5').check({ force: true });
  const comment = page.getByLabel('Comment');
  await comment.click();
  await comment.pressSequentially('Works again, thank you! '.repeat(10), { delay: 0 });
  // The rating inputs are hidden against the scrolling main, not the panel: before, they stuck out below the
  // panel, and focusing them scrolled the panel itself, header and tabs out of sight.
  const panel = await page.evaluate(() => {
    const found = document.querySelector('ticketkit-widget')?.shadowRoot?.querySelector('.panel') as HTMLElement;
    return { scrollTop: found.scrollTop, overflow: found.scrollHeight - found.clientHeight };
  });
  expect(panel).toEqual({ scrollTop: 0, overflow: 0 });
  const dialog = (await page.getByRole('dialog').boundingBox()) ?? { y: Number.NaN };
  const heading = (await page.getByRole('heading', { name: 'Contact support' }).boundingBox()) ?? { y: Number.NaN };
  expect(heading.y).toBeGreaterThan(dialog.y);
  await expect.poll(() => page.getByRole('button', { name: 'My requests' }).isVisible()).toBe(true);
  await context.close();
});

test('a reply sent while the answer is lost is delivered once', async () => {
  const { page, context } = await visit();
  await launcher(page).click();
  await fill(page, 'Reply retried');
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  await page.getByRole('button', { name: 'Follow this request' }).click();
  host.faults.failAfterCommit = 1;
  host.faults.replyKeys.length = 0;
  await page.getByLabel('Your reply').fill('Sent once, please.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Sent once, please.').waitFor({ timeout: 15_000 });
  const thread = await host.desk.tickets.thread(number, { actor: { type: 'system' } });
  expect(host.faults.failAfterCommit).toBe(0);
  expect(thread.filter((entry) => entry.body === 'Sent once, please.')).toHaveLength(1);
  // Both attempts carried the reply's one Idempotency-Key: the server, not a re-read of the thread, kept it single.
  const [first, retry] = host.faults.replyKeys;
  expect(host.faults.replyKeys).toHaveLength(2);
  expect(first).toMatch(/^[0-9a-f-]{36}$/);
  expect(retry).toBe(first);
  await context.close();
});

test('the Arabic locale renders right to left, with the launcher on the left', async () => {
  const { page, context } = await visit('/page?attrs=locale%3Dar');
  const button = page.getByRole('button', { name: 'تواصل مع الدعم' });
  const box = await button.boundingBox();
  expect(box && box.x < 200).toBe(true);
  await button.click();
  const direction = await page.evaluate(() => {
    const root = document.querySelector('ticketkit-widget')?.shadowRoot?.querySelector('.root') as HTMLElement;
    return [root.dir, getComputedStyle(root.querySelector('input') as HTMLElement).direction];
  });
  expect(direction).toEqual(['rtl', 'rtl']);
  await page.getByLabel('البريد الإلكتروني').waitFor();
  await context.close();
});

test('identify(): the signed-in customer’s requests from GET /me/tickets, prefilled, with events and string overrides', async () => {
  const email = 'signed-in@example.com';
  const opened = await fetch(`${host.origin}/support/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      requester: { email },
      subject: 'Opened by email earlier',
      body: 'x',
      fields: { plan: 'Free' },
    }),
  });
  expect(opened.status).toBe(201);
  const context = await browser.newContext({ locale: 'en-US' });
  await context.addCookies([{ name: 'session', value: encodeURIComponent(email), url: host.origin }]);
  const page = await context.newPage();
  await page.goto(`${host.origin}/page?attrs=storage%3Dnone`);
  await launcher(page).waitFor();
  await page.evaluate(() => {
    const widget = document.querySelector('ticketkit-widget');
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    for (const name of ['open', 'close', 'submitted', 'error']) {
      widget?.addEventListener(`ticketkit:${name}`, (event) =>
        seen.push(`${name}${(event as CustomEvent).detail ? ` ${JSON.stringify((event as CustomEvent).detail)}` : ''}`),
      );
    }
    widget?.identify({ name: 'Sam Signed', email: 'signed-in@example.com' });
    if (widget) widget.strings = { send: 'Send to Acme' };
    widget?.prefill({ subject: 'From the host', fields: { plan: 'Enterprise' } });
    widget?.open();
  });
  expect(await page.getByLabel('Your name').inputValue()).toBe('Sam Signed');
  expect(await page.getByLabel('Subject').inputValue()).toBe('From the host');
  expect(await page.getByLabel('Your plan').inputValue()).toBe('Enterprise');
  await page.getByLabel('How can we help?').fill('Sent with my session');
  await page.getByRole('button', { name: 'Send to Acme' }).click();
  const number = await submitted(page);
  await page.getByRole('button', { name: 'My requests' }).click();
  await page.getByRole('button', { name: /Opened by email earlier/ }).waitFor();
  expect(await page.getByRole('button', { name: /From the host/ }).count()).toBe(1);
  await page.keyboard.press('Escape');
  expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
    'open',
    `submitted {"number":"${number}"}`,
    'close',
  ]);
  // storage="none": nothing of it in web storage.
  expect(await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)])).toEqual([]);
  await context.close();
});

test('inline: the form in place for a "Contact us" page, with a preset topic, no launcher and no dialog', async () => {
  const { page, context } = await visit('/page?attrs=inline%20topic%3Daccount%20position%3Dbottom-left');
  await page.getByLabel('Email').waitFor();
  expect(await launcher(page).count()).toBe(0);
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect(await page.getByRole('region', { name: 'Contact support' }).count()).toBe(1);
  expect(await page.getByLabel('Topic').count()).toBe(0);
  await fill(page, 'Inline form');
  await page.getByRole('button', { name: 'Send request' }).click();
  const number = await submitted(page);
  expect((await host.desk.tickets.get(number, { actor: { type: 'system' } })).topic).toBe('account');
  expect(await axe(page)).toEqual([]);
  await context.close();
});
