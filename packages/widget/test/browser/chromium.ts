import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run`); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with everything that could call out to the internet turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Waits for the dialog's entrance animation (its opacity would fool a contrast check or a screenshot). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all((document.querySelector('ticketkit-widget')?.shadowRoot?.getAnimations() ?? []).map((a) => a.finished)),
  );
}
