import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import {
  playTimelineScenario,
  renderTimelineSvg,
  renderTimelineTable,
  replaceTimelineTable,
} from '../../../scripts/sla-timeline.js';

const guide = (name: string) => readFile(new URL(`../../../docs/guides/${name}`, import.meta.url), 'utf8');

test('the SLA timeline picture and its table are what the desk does today', async () => {
  const scenario = await playTimelineScenario();
  const stale = 'stale SLA timeline: run `npm run diagram`';
  expect(await guide('sla-timeline.svg'), stale).toBe(renderTimelineSvg(scenario));
  const markdown = await guide('sla.md');
  expect(replaceTimelineTable(markdown, renderTimelineTable(scenario)), stale).toBe(markdown);
});

test('the story behind the picture: hand-computed New York business times', async () => {
  const { ticket, crossings } = await playTimelineScenario();
  // Opened Fri 15:00 EDT with 4 business hours to answer: 2 on Friday, 2 on Monday → Mon 11:00 EDT.
  expect(ticket.firstResponseDueAt).toBe('2026-03-16T15:00:00.000Z');
  // 16 business hours to resolve: Fri 15–17 (2), Mon 9–13 (4), paused Mon 13:00 → Tue 15:00,
  // Tue 15–17 (2), Wed 9–17 (8) → Wed 17:00 EDT; at risk after 12 of them, Wed 13:00 EDT.
  expect(ticket.resolutionDueAt).toBe('2026-03-18T21:00:00.000Z');
  expect(crossings).toEqual([
    // The first response was at risk from Mon 10:00; the sweep that saw it ran at 10:30.
    { name: 'at risk', target: 'first_response', at: '2026-03-16T14:30:00.000Z' },
    { name: 'at risk', target: 'resolution', at: '2026-03-18T17:00:00.000Z' },
  ]);
  expect(ticket).toMatchObject({ status: 'resolved', slaState: 'on_track' });
});
