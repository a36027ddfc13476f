import type { Page } from 'playwright-core';

/** The rules every view of the browser packages is held to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core in the page against WCAG 2.1 A and AA, and returns one line per violation (rule id and the
 * elements it found), so a test can `expect(...).toEqual([])` and print what failed. `script` is how axe
 * reaches the page: a URL on the page's own origin (what a strict CSP allows) or its source.
 */
export async function axeViolations(page: Page, script: { url: string } | { content: string }): Promise<string[]> {
  await page.addScriptTag(script);
  const violations = await page.evaluate(
    (tags) =>
      (
        window as unknown as {
          axe: {
            run: (
              context: unknown,
              options: unknown,
            ) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;
          };
        }
      ).axe
        .run(document, { runOnly: { type: 'tag', values: tags } })
        .then((result) => result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target) }))),
    WCAG_TAGS,
  );
  return violations.map((violation) => `${violation.id}: ${JSON.stringify(violation.targets)}`);
}
