/**
 * The picture in docs/guides/sla.md: one ticket's SLA timeline, played on a
 * real desk (memory storage, a manual clock, the scheduler) and drawn as SVG
 * from what the desk stored — so the picture shows what the code does, and the
 * docs test fails when it no longer does.
 */
import {
  type AuditEvent,
  type Calendar,
  createHelpDesk,
  manualClock,
  memoryStorage,
  openSpans,
  type Ticket,
} from '../packages/core/src/index.js';
import { runningSpans, statusSpells } from '../packages/core/src/sla/sla-clock.js';

const ZONE = 'America/New_York';
const nineToFive: [string, string][] = [['09:00', '17:00']];
const calendar: Calendar = {
  id: 'new-york',
  name: 'New York office',
  timeZone: ZONE,
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  holidays: [],
};

/** What the scenario produced: the ticket as it ended, its history, and what the scheduler fired when. */
export interface TimelineScenario {
  ticket: Ticket;
  history: AuditEvent[];
  calendar: Calendar;
  crossings: { name: string; target: string; at: string }[];
  /** Milestones in order, for the table under the picture. */
  milestones: { at: string; what: string }[];
}

/**
 * Plays the scenario: opened Friday 15:00 New York time on SEV B (first
 * response within 4 business hours, resolution within 16), answered Monday
 * morning, waiting for the customer from Monday 13:00 to Tuesday 15:00 (the
 * clock stops), at risk Wednesday 13:00, resolved Wednesday 14:00.
 */
export async function playTimelineScenario(): Promise<TimelineScenario> {
  const clock = manualClock('2026-03-13T19:00:00Z'); // Fri 15:00 EDT
  const desk = await createHelpDesk({ storage: memoryStorage(), clock, logger: { warn() {}, error() {} } });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.agents.upsert({ id: 'isabella', name: 'Isabella', email: 'isabella@acme.test', departmentIds: ['help'] });
  await desk.calendars.upsert(calendar);
  await desk.slaPlans.upsert({
    id: 'sev-b',
    name: 'SEV B',
    firstResponseWithin: '4h',
    resolveWithin: '16h',
    calendarId: 'new-york',
    warnAt: 0.75,
    pauseWhileAwaitingCustomer: true,
  });
  const crossings: TimelineScenario['crossings'] = [];
  desk.on('sla.warning', ({ target, at }) => {
    crossings.push({ name: 'at risk', target, at });
  });
  desk.on('sla.breached', ({ target, at }) => {
    crossings.push({ name: 'breached', target, at });
  });
  const ken = { type: 'customer', email: 'ken@example.com', name: 'Ken' } as const;
  const isabella = { type: 'agent', id: 'isabella' } as const;
  const milestones: TimelineScenario['milestones'] = [];
  const step = async (at: string, what: string, act: () => Promise<unknown>) => {
    clock.set(at);
    await desk.scheduler.runOnce();
    await act();
    milestones.push({ at, what });
  };

  const opened = await desk.tickets.open(
    { subject: 'Card declined abroad', body: 'My card is declined in Lisbon.', departmentId: 'help' },
    { actor: ken },
  );
  milestones.push({ at: opened.createdAt, what: 'Ken opens the ticket' });
  const ref = opened.number;
  await step('2026-03-13T19:00:00.000Z', 'Isabella sets SEV B', () =>
    desk.tickets.update(ref, { slaPlanId: 'sev-b' }, { actor: isabella }),
  );
  await step('2026-03-16T14:30:00.000Z', 'Isabella replies (first response met)', () =>
    desk.tickets
      .assign(ref, { agentId: 'isabella' }, { actor: isabella })
      .then(() => desk.tickets.reply(ref, { body: 'Looking into it.' }, { actor: isabella })),
  );
  await step('2026-03-16T17:00:00.000Z', 'Isabella asks for the merchant name (clock paused)', () =>
    desk.tickets.requestInfo(ref, { body: 'Which merchant?' }, { actor: isabella }),
  );
  await step('2026-03-17T19:00:00.000Z', 'Ken answers (clock resumes)', () =>
    desk.tickets.reply(ref, { body: 'A bakery.' }, { actor: ken }),
  );
  await step('2026-03-18T17:00:00.000Z', 'The scheduler sweeps (resolution at risk since 13:00)', async () => {});
  await step('2026-03-18T18:00:00.000Z', 'Isabella resolves (resolution met)', () =>
    desk.tickets.resolve(ref, { resolutionNote: 'Travel flag set', body: 'Fixed.' }, { actor: isabella }),
  );
  const ticket = await desk.tickets.get(ref, { actor: isabella });
  const history = await desk.tickets.history(ref, { actor: isabella });
  await desk.close();
  return {
    ticket,
    history,
    calendar: { ...calendar, weekly: calendar.weekly } as unknown as Calendar,
    crossings,
    milestones,
  };
}

const local = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** "Fri 15:00" in New York time. */
export const newYorkTime = (iso: string | number) => local.format(new Date(iso)).replace(',', '');

const escapeXml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** The SVG picture of the scenario. */
export function renderTimelineSvg(scenario: TimelineScenario): string {
  const { ticket, history } = scenario;
  const from = Date.parse('2026-03-13T16:00:00Z'); // Fri 12:00 EDT
  const to = Date.parse('2026-03-18T23:00:00Z'); // Wed 19:00 EDT
  const width = 960;
  const left = 110;
  const right = 20;
  // Closed time (nights, the weekend) is drawn at a tenth of its length: it is where nothing counts.
  const CLOSED_WEIGHT = 0.1;
  const weighted = (ms: number) => {
    const open = openSpans(scenario.calendar, from, ms).reduce((sum, span) => sum + span.end - span.start, 0);
    return open + CLOSED_WEIGHT * (ms - from - open);
  };
  const total = weighted(to);
  const x = (ms: number) => left + (weighted(Math.min(Math.max(ms, from), to)) / total) * (width - left - right);
  const rows = { hours: 76, status: 112, clock: 148 };
  const rowHeight = 24;
  const parts: string[] = [];
  const rect = (start: number, end: number, y: number, fill: string, extra = '') =>
    parts.push(
      `<rect x="${x(start).toFixed(1)}" y="${y}" width="${Math.max(0.5, x(end) - x(start)).toFixed(1)}" height="${rowHeight}" fill="${fill}"${extra}/>`,
    );
  const text = (tx: number, ty: number, content: string, extra = '') =>
    parts.push(`<text x="${tx.toFixed(1)}" y="${ty}"${extra}>${escapeXml(content)}</text>`);

  // Row labels.
  text(10, rows.hours + 16, 'business hours');
  text(10, rows.status + 16, 'status');
  text(10, rows.clock + 16, 'SLA clock');

  // Days: a tick at each local midnight.
  for (let day = Date.parse('2026-03-14T04:00:00Z'); day < to; day += 86_400_000) {
    parts.push(`<line x1="${x(day).toFixed(1)}" y1="70" x2="${x(day).toFixed(1)}" y2="176" stroke="#ccc"/>`);
  }
  for (let noon = Date.parse('2026-03-13T16:00:00Z'); noon < to; noon += 86_400_000) {
    text(x(noon), 64, newYorkTime(noon).split(' ')[0] ?? '', ' text-anchor="middle" font-weight="bold"');
  }

  for (const span of openSpans(scenario.calendar, from, to)) rect(span.start, span.end, rows.hours, '#dbeafe');

  const colors: Record<string, string> = {
    open: '#fde68a',
    in_progress: '#86efac',
    awaiting_customer: '#e5e7eb',
    resolved: '#c4b5fd',
    closed: '#a1a1aa',
  };
  const spells = statusSpells(ticket, history);
  spells.forEach((spell, index) => {
    const end = Math.min(spells[index + 1]?.at ?? to, to);
    rect(Math.max(spell.at, from), end, rows.status, colors[spell.status] ?? '#fff');
    if (end - spell.at > 6 * 3_600_000) {
      text(x(Math.max(spell.at, from)) + 4, rows.status + 16, spell.status.replace('_', ' '), ' font-size="11"');
    }
  });

  // The clock runs only inside business hours and outside pauses; paused spans are shaded.
  const running = runningSpans(spells, true);
  for (const span of running) {
    for (const open of openSpans(scenario.calendar, span.start, Math.min(span.end ?? to, to))) {
      rect(open.start, open.end, rows.clock, '#2563eb');
    }
  }
  const paused = spells.filter((spell) => spell.status === 'awaiting_customer');
  for (const spell of paused) {
    const index = spells.indexOf(spell);
    const end = spells[index + 1]?.at ?? to;
    rect(spell.at, end, rows.clock, 'url(#paused)', ' stroke="#6b7280"');
    text((x(spell.at) + x(end)) / 2, rows.clock + 16, 'paused', ' font-size="11" fill="#374151" text-anchor="middle"');
  }

  // Crossings first, so the lines of what was met are drawn on top of them.
  const markers: { at: string | null; label: string; color: string; dy: number }[] = [
    ...scenario.crossings.map((crossing) => ({
      at: crossing.at,
      label: `${crossing.target.replace('_', ' ')} ${crossing.name} (sweep)`,
      color: '#d97706',
      dy: 28,
    })),
    { at: ticket.firstResponseDueAt, label: 'first response due', color: '#dc2626', dy: 0 },
    { at: ticket.firstRespondedAt, label: 'first response', color: '#16a34a', dy: 14 },
    { at: ticket.resolutionDueAt, label: 'resolution due', color: '#dc2626', dy: 0 },
    { at: ticket.resolvedAt, label: 'resolved', color: '#16a34a', dy: 14 },
  ];
  for (const marker of markers) {
    if (!marker.at) continue;
    const mx = x(Date.parse(marker.at));
    parts.push(
      `<line x1="${mx.toFixed(1)}" y1="72" x2="${mx.toFixed(1)}" y2="${200 + marker.dy}" stroke="${marker.color}" stroke-width="2"/>`,
    );
    // Labels near the right edge go to the left of their line.
    const anchor = mx > width * 0.6 ? ' text-anchor="end"' : '';
    const tx = mx > width * 0.6 ? mx - 3 : mx + 3;
    text(
      tx,
      210 + marker.dy,
      `${marker.label} · ${newYorkTime(marker.at)}`,
      ` font-size="11" fill="${marker.color}"${anchor}`,
    );
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="270" viewBox="0 0 ${width} 270" font-family="system-ui, sans-serif" font-size="12" role="img" aria-labelledby="sla-timeline-title">`,
    '<title id="sla-timeline-title">One ticket\'s SLA timeline on SEV B</title>',
    "<desc>Business hours, the ticket's status over five days, and its SLA clock: running in business hours, shaded while paused awaiting the customer, with due times, the first response, the at-risk sweeps and the resolution marked.</desc>",
    '<defs><pattern id="paused" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
    '<rect width="6" height="6" fill="#f3f4f6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="2"/></pattern></defs>',
    `<rect width="${width}" height="270" fill="#fff"/>`,
    '<text x="10" y="20" font-weight="bold">One ticket on SEV B: first response within 4h, resolution within 16h of business time</text>',
    '<text x="10" y="38" fill="#4b5563">New York business hours (9–17, Mon–Fri; nights and the weekend drawn narrow), paused while awaiting the customer</text>',
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** The table under the picture: each milestone and the ticket's SLA fields as they ended. */
export function renderTimelineTable(scenario: TimelineScenario): string {
  const { ticket } = scenario;
  const events = [
    ...scenario.milestones,
    ...scenario.crossings.map(({ at, name, target }) => ({
      at,
      what: `\`sla.${name === 'at risk' ? 'warning' : 'breached'}\` for the ${target.replace('_', ' ')} target`,
    })),
  ];
  // Stable: a crossing found by a sweep comes after the milestone that ran the sweep.
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const rows = events.map(({ at, what }) => `| ${newYorkTime(at)} | ${what} |`);
  return [
    '| New York time | what happened |',
    '|---|---|',
    ...rows,
    '',
    `Stored on the ticket at the end: \`firstResponseDueAt\` ${newYorkTime(ticket.firstResponseDueAt ?? '')}, ` +
      `\`firstRespondedAt\` ${newYorkTime(ticket.firstRespondedAt ?? '')}, ` +
      `\`resolutionDueAt\` ${newYorkTime(ticket.resolutionDueAt ?? '')}, \`resolvedAt\` ${newYorkTime(ticket.resolvedAt ?? '')}, ` +
      `\`slaState\` \`${ticket.slaState}\`.`,
  ].join('\n');
}

const START = '<!-- sla-timeline:start -->';
const END = '<!-- sla-timeline:end -->';

/** Replaces the generated table between the markers of sla.md. */
export function replaceTimelineTable(markdown: string, table: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`sla.md has no ${START} … ${END} markers`);
  return `${markdown.slice(0, start + START.length)}\n${table}\n${markdown.slice(end)}`;
}
