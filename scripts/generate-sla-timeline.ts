/**
 * Writes docs/guides/sla-timeline.svg and the table under it in
 * docs/guides/sla.md from a scenario played on a real desk. `--check` only
 * verifies both are current (`npm run docs` uses it; the test suite checks the same).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { playTimelineScenario, renderTimelineSvg, renderTimelineTable, replaceTimelineTable } from './sla-timeline.js';

const svgPath = new URL('../docs/guides/sla-timeline.svg', import.meta.url);
const mdPath = new URL('../docs/guides/sla.md', import.meta.url);
const scenario = await playTimelineScenario();
const svg = renderTimelineSvg(scenario);
const markdown = await readFile(mdPath, 'utf8');
const nextMarkdown = replaceTimelineTable(markdown, renderTimelineTable(scenario));
const currentSvg = await readFile(svgPath, 'utf8').catch(() => '');

if (process.argv.includes('--check')) {
  if (currentSvg !== svg || nextMarkdown !== markdown) {
    console.error(
      'docs/guides/sla-timeline.svg or its table in sla.md is stale: run `npm run diagram` and commit the result.',
    );
    process.exit(1);
  }
  console.log('The SLA timeline in docs/guides/sla.md is current.');
} else {
  await writeFile(svgPath, svg);
  await writeFile(mdPath, nextMarkdown);
  console.log(
    currentSvg === svg && nextMarkdown === markdown
      ? 'The SLA timeline was already current.'
      : 'Updated the SLA timeline.',
  );
}
