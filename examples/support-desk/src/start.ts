/**
 * `npm start`: builds the widget's and console's script-tag files when they
 * are missing or older than their sources, then starts the reference app on
 * http://localhost:3000 (`PORT` to change it). `--reset` starts from an empty
 * desk; `--data DIR` keeps the SQLite file elsewhere; `DATABASE_URL` runs it
 * on PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startApp } from './app/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

/** Whether a package's script-tag build is missing or older than its sources. */
function stale(pkg: string, file: string): boolean {
  const built = join(root, 'packages', pkg, 'dist', file);
  return !existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'packages', pkg, 'src'));
}

const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false }, data: { type: 'string' } } });
if (stale('widget', 'ticketkit-widget.js') || stale('console', 'ticketkit-console.js')) {
  console.log('Building the widget and the console…');
  execFileSync('npm', ['run', 'build', '-w', '@ticketkit/widget', '-w', '@ticketkit/console'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const port = Number(process.env.PORT ?? 3000);
const app = await startApp({
  port,
  reset: values.reset,
  ...(values.data ? { dataDir: values.data } : {}),
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`Port ${port} is taken by another program: PORT=3001 npm start picks another.`);
  process.exit(1);
});
console.log(`ticketkit support desk is running:
  Customer site  ${app.url}/
  Agent console  ${app.url}/console
  Mailbox        ${app.url}/mailbox
Pick who you are in the demo bar at the top of each page. Ctrl+C stops it.`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
