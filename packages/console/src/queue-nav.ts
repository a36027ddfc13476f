import { h } from './dom.js';
import type { CountsByDepartment } from './types.js';

/** The queues, in the order the sidebar lists them (and keys 1–7 pick them). */
export const QUEUES: [string, string][] = [
  ['open', 'Open'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['overdue', 'Overdue'],
  ['awaiting_customer', 'Awaiting customer'],
  ['resolved', 'Resolved'],
  ['closed', 'Closed'],
];

/** What the sidebar shows. */
export interface NavState {
  counts: CountsByDepartment;
  queue: string;
  /** The department the list is narrowed to; `null`: all the agent's departments. */
  department: string | null;
  searching: boolean;
}

/** What the sidebar's buttons do. */
export interface NavActions {
  selectQueue(name: string): void;
  selectDepartment(id: string | null): void;
}

/** A queue's label, for titles. */
export const queueLabel = (name: string) => QUEUES.find(([queue]) => queue === name)?.[1] ?? name;

const count = (n = 0) => h('span', { class: 'count', 'aria-label': `${n} tickets` }, String(n));

/**
 * The sidebar: the queues with their counts, then one row per department
 * with the current queue's count there. A department row narrows the list
 * and the queue counts above to that department; "All departments" undoes
 * it. Department rows are toggle buttons (`aria-pressed`), queues are the
 * current page (`aria-current`): two different things for a screen reader.
 * An agent of one department gets no department rows: theirs would repeat
 * "All departments" count for count.
 */
export function queueNav(state: NavState, actions: NavActions): Node[] {
  const { total, departments } = state.counts;
  const scoped = departments.find((row) => row.id === state.department)?.counts ?? total;
  const queues = h(
    'ul',
    null,
    QUEUES.map(([name, label], index) =>
      h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            'aria-current': !state.searching && state.queue === name ? 'true' : 'false',
            'aria-keyshortcuts': String(index + 1),
            onclick: () => actions.selectQueue(name),
          },
          h('span', null, label),
          count(scoped[name]),
        ),
      ),
    ),
  );
  if (departments.length < 2) return [queues];
  const rows: [string | null, string, Record<string, number>][] = [
    [null, 'All departments', total],
    ...departments.map((row): [string, string, Record<string, number>] => [row.id, row.name, row.counts]),
  ];
  return [
    queues,
    h('h2', { id: 'tk-departments', class: 'group' }, `${queueLabel(state.queue)} by department`),
    h(
      'ul',
      { 'aria-labelledby': 'tk-departments' },
      rows.map(([id, name, counts]) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'department',
              'aria-pressed': state.department === id ? 'true' : 'false',
              onclick: () => actions.selectDepartment(id),
            },
            h('span', null, name),
            count(counts[state.queue]),
          ),
        ),
      ),
    ),
  ];
}
