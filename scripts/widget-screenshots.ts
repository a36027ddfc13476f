/**
 * `npm run screenshots:widget`: screenshots of every view of <ticketkit-widget> (launcher, form, errors,
 * success, list, thread) on a 1280×800 desktop and a 390×844 phone, light and dark, into
 * docs/images/widget-<view>-<desktop|phone>-<light|dark>.png. Needs `npm run build` first.
 */
import type { Page } from 'playwright-core';
import { launchChromium, settled } from '../packages/widget/test/browser/chromium.js';
import { startHost } from '../packages/widget/test/browser/host.js';

const OUT = new URL('../docs/images/', import.meta.url);
const devices = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;

const [browser, host] = await Promise.all([launchChromium(), startHost()]);
const agent = { actor: { type: 'agent' as const, id: 'ann' } };
let run = 0;

async function shoot(page: Page, name: string) {
  await settled(page);
  await page.screenshot({ path: new URL(name, OUT).pathname });
  console.log(`docs/images/${name}`);
}

for (const [device, options] of Object.entries(devices)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    const suffix = `${device}-${colorScheme}.png`;
    const context = await browser.newContext({ ...options, colorScheme, locale: 'en-US', timezoneId: 'Europe/London' });
    const page = await context.newPage();
    await page.goto(`${host.origin}/demo`);
    const launcher = page.getByRole('button', { name: 'Contact support' });
    await launcher.waitFor();
    await shoot(page, `widget-launcher-${suffix}`);
    await launcher.click();
    await page.getByLabel('Email').waitFor();
    await page.getByLabel('Your name').fill('Ken Adams');
    await page.getByLabel('Email').fill('ken@example.com');
    await page.getByLabel('Topic').selectOption('account');
    await page.getByLabel('Subject').fill('Cannot restore last Tuesday’s backup');
    await page
      .getByLabel('How can we help?')
      .fill('The restore stops at 40% with “snapshot unavailable”. It is the 14 May snapshot of /projects.');
    await page.locator('ticketkit-widget').evaluate((el) => {
      (el.shadowRoot?.querySelector('main') as HTMLElement).scrollTop = 0;
    });
    await shoot(page, `widget-form-${suffix}`);
    await page.getByLabel('Email').fill('ken@example');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Please check the highlighted fields.').waitFor();
    await shoot(page, `widget-errors-${suffix}`);
    await page.getByLabel('Email').fill('ken@example.com');
    await page.getByLabel('Your plan').selectOption('Pro');
    await page.getByRole('button', { name: 'Send request' }).click();
    const heading = page.getByRole('heading', { name: /received$/ });
    await heading.waitFor();
    await shoot(page, `widget-success-${suffix}`);
    const number = /#(\S+) /.exec((await heading.textContent()) ?? '')?.[1] ?? '';
    run += 1;
    // An older request on this device, answered, and this one answered by an agent.
    await host.desk.tickets.reply(
      number,
      {
        body: 'Hi Ken, sorry about that. That snapshot was moved to cold storage; I have started a restore from there. It should be ready within the hour, and I will confirm here.',
      },
      agent,
    );
    await page.getByRole('button', { name: 'My requests' }).click();
    await page.getByRole('button', { name: /Cannot restore/ }).waitFor();
    await shoot(page, `widget-list-${suffix}`);
    await page.getByRole('button', { name: /Cannot restore/ }).click();
    await page.getByText(/cold storage/).waitFor();
    await page.getByLabel('Your reply').fill('Great, thank you!');
    await page.getByLabel('Your reply').blur();
    await shoot(page, `widget-thread-${suffix}`);
    await context.close();
  }
}
// Right to left: the Arabic form on a phone.
const rtl = await browser.newContext({ ...devices.phone, locale: 'ar', colorScheme: 'light' });
const page = await rtl.newPage();
await page.goto(`${host.origin}/demo?attrs=open`);
await page.getByLabel('البريد الإلكتروني').waitFor();
await page.getByLabel('اسمك').fill('ليلى');
await page.getByRole('button', { name: 'إرسال الطلب' }).click();
await page.getByText('يرجى ملء هذا الحقل.').first().waitFor();
await shoot(page, 'widget-errors-phone-light-ar.png');
await rtl.close();
console.log(`${run * 6 + 1} screenshots`);
await browser.close();
await host.close();
