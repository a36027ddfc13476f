/**
 * `npm run bench:widget`: how long the first open of <ticketkit-widget>'s dialog takes after its script has
 * loaded, in Debian's Chromium against the real server (budget: 50 ms, DESIGN §7 / issue 16). Each sample is a
 * fresh page: from `open()` until the dialog with its intake form has been laid out and painted (the next
 * animation frame). Prints the median and p95 of `--samples` pages (default 30). Needs `npm run build` first.
 */
import { parseArgs } from 'node:util';
import { launchChromium } from '../packages/widget/test/browser/chromium.js';
import { startHost } from '../packages/widget/test/browser/host.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '30' } } });
const samples = Number(values.samples);
const [browser, host] = await Promise.all([launchChromium(), startHost()]);
const context = await browser.newContext();
const times: number[] = [];
const layout: number[] = [];
const baselines: number[] = [];
for (let i = 0; i < samples; i++) {
  const page = await context.newPage();
  await page.goto(host.origin);
  await page.getByRole('button', { name: 'Contact support' }).waitFor();
  const [laidOut, painted, baseline] = await page.evaluate(async () => {
    const widget = document.querySelector('ticketkit-widget') as HTMLElement & { open(): void };
    // The intake schema is fetched when the element connects; wait for it so the sample measures rendering.
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Baseline in the same page: a plain light-DOM form with as many labelled fields, laid out and painted.
    const base = performance.now();
    const form = document.createElement('form');
    for (let i = 0; i < 10; i++) {
      const label = document.createElement('label');
      label.textContent = `Field ${i}`;
      label.append(document.createElement(i === 5 ? 'textarea' : 'input'));
      form.append(label);
    }
    document.body.append(form);
    form.querySelector('input')?.getBoundingClientRect();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    const baseline = performance.now() - base;
    form.remove();
    const start = performance.now();
    widget.open();
    widget.shadowRoot?.querySelector('input')?.getBoundingClientRect();
    const laidOut = performance.now() - start;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    return [laidOut, performance.now() - start, baseline] as const;
  });
  layout.push(laidOut);
  times.push(painted);
  baselines.push(baseline);
  await page.close();
}
const quantile = (list: number[], q: number) =>
  [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))] ?? Number.NaN;
const line = (list: number[]) =>
  `median ${quantile(list, 0.5).toFixed(1)} ms, p95 ${quantile(list, 0.95).toFixed(1)} ms`;
console.log(`widget first open over ${samples} fresh pages (budget 50 ms):`);
console.log(`  open() → dialog and form laid out: ${line(layout)}`);
console.log(`  open() → next frame painted:       ${line(times)}`);
console.log(`  baseline, a plain 10-field form painted in the same page: ${line(baselines)}`);
console.log(`  ratio of medians (painted / baseline): ${(quantile(times, 0.5) / quantile(baselines, 0.5)).toFixed(2)}`);
await browser.close();
await host.close();
