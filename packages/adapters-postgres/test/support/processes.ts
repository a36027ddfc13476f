import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** What a fixture process did: its exit code and what it printed after `ready`. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts one fixture process per argument list (TypeScript through tsx, from
 * the repository root) and lets them start their work at the same moment:
 * each prints `ready` when set up and waits for a line on stdin, which all of
 * them get once the last is ready.
 */
export function startedTogether(fixture: string, argsOf: readonly string[][]): Promise<ProcessRun[]> {
  const script = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const children = argsOf.map((args) =>
    spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  let ready = 0;
  return Promise.all(
    children.map(
      (child) =>
        new Promise<ProcessRun>((resolve, reject) => {
          const run: ProcessRun = { code: null, stdout: '', stderr: '' };
          let waiting = true;
          child.stdout.on('data', (chunk) => {
            run.stdout += chunk;
            if (waiting && run.stdout.startsWith('ready\n')) {
              waiting = false;
              run.stdout = run.stdout.slice('ready\n'.length);
              ready += 1;
              if (ready === children.length) for (const each of children) each.stdin.end('go\n');
            }
          });
          child.stderr.on('data', (chunk) => {
            run.stderr += chunk;
          });
          child.on('error', reject);
          child.on('close', (code) => {
            run.code = code;
            resolve(run);
          });
        }),
    ),
  );
}

/** In a fixture: says `ready`, then waits for the parent's go line. */
export function readyThenGo(): Promise<void> {
  process.stdout.write('ready\n');
  return new Promise((resolve) => {
    process.stdin.once('data', () => {
      process.stdin.pause();
      resolve();
    });
  });
}

/** A fixture app server started by {@link startListening}. */
export interface ListeningApp {
  child: ChildProcess;
  /** The port it printed (`listening <port>`); rejects if it exits first. */
  port: Promise<number>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/**
 * Starts a fixture app server (TypeScript through tsx, from the repository
 * root) that prints `listening <port>` once up.
 */
export function startListening(fixture: string, args: readonly string[], name: string): ListeningApp {
  const script = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const port = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}): ${stderr}`)));
  });
  return { child, port, stderr: () => stderr };
}
