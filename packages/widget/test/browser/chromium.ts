import type { Page } from 'playwright-core';

export { CHROMIUM, launchChromium } from '../../../../test/support/chromium.js';

/** Waits for the dialog's entrance animation (its opacity would fool a contrast check or a screenshot). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all((document.querySelector('ticketkit-widget')?.shadowRoot?.getAnimations() ?? []).map((a) => a.finished)),
  );
}
