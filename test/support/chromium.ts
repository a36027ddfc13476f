import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run`); never a downloaded browser. `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the browser suites (widget, console, the reference app's tour), with everything that
 * could call out to the internet turned off: this machine's closed network refuses those calls.
 */
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
