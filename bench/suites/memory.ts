import type { SqliteStorage } from '@ticketkit/adapter-sqlite';
import type { HelpDesk } from '@ticketkit/core';
import { agentOf, DEPARTMENTS } from '../lib/dataset.js';
import { progressBar } from '../lib/progress.js';
import type { Metric } from './metric.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Memory after many commands: the heap after the last quarter of `commands`
 * notes and replies spread over thousands of tickets, against the heap after
 * the first quarter. No per-ticket state is kept, so it stays flat.
 */
export async function memoryFlatness(desk: HelpDesk, storage: SqliteStorage, commands: number): Promise<Metric[]> {
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  const targets = storage.database
    .prepare(
      "SELECT id, department_id FROM tickets WHERE status IN ('open', 'in_progress', 'awaiting_customer') LIMIT 20000",
    )
    .all() as { id: string; department_id: string }[];
  const bar = progressBar('commands for the memory check', commands);
  const readings: number[] = [];
  const quarter = Math.floor(commands / 4);
  for (let index = 0; index < commands; index++) {
    const target = targets[index % targets.length] as { id: string; department_id: string };
    const actor = agentOf(DEPARTMENTS.indexOf(target.department_id));
    if (index % 2) await desk.tickets.note(target.id, { body: `Memory check note ${index}` }, { actor });
    else await desk.tickets.reply(target.id, { body: `Memory check reply ${index}` }, { actor });
    if ((index + 1) % quarter === 0) readings.push(heapMb());
    if (index % 1000 === 0) bar.tick(index);
  }
  bar.done();
  const first = readings[0] ?? Number.NaN;
  const last = readings.at(-1) ?? Number.NaN;
  return [
    {
      name: 'heap after commands',
      value: last / first,
      unit: '× heap after the first quarter',
      goal: 1.1,
      detail: `${commands.toLocaleString('en-US')} commands on ${targets.length.toLocaleString('en-US')} tickets; heap ${readings.map((mb) => mb.toFixed(1)).join(' → ')} MB`,
    },
  ];
}
