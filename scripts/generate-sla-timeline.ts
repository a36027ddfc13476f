/**
 * Writes docs/guides/sla-timeline.svg and the table under it in
 * docs/guides/sla.md from a scenario played on a real desk. `--check` only
 * verifies both are current (`npm run docs` uses it; the test suite checks the same).
 */
import { readFile } from 'node:fs/promises';
import { syncGeneratedFiles } from './lib/generated-files.js';
import { playTimelineScenario, renderTimelineSvg, renderTimelineTable, replaceTimelineTable } from './sla-timeline.js';

const scenario = await playTimelineScenario();
const markdown = new URL('../docs/guides/sla.md', import.meta.url);
await syncGeneratedFiles('The SLA timeline', [
  { path: new URL('../docs/guides/sla-timeline.svg', import.meta.url), content: renderTimelineSvg(scenario) },
  { path: markdown, content: replaceTimelineTable(await readFile(markdown, 'utf8'), renderTimelineTable(scenario)) },
]);
