import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Starts a TypeScript fixture in a fresh Node process (through tsx), from the repository root. */
export function startFixture(name: string, args: string[]): ChildProcess {
  const script = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a fixture to the end; resolves with its exit code and output. */
export function runFixture(
  name: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = startFixture(name, args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs several fixtures so that their work overlaps: each gets `goFile` as its last argument, prints
 * `ready` once it is set up, and waits for that file, which appears when all of them are ready.
 * Resolves with each one's exit code and output (after the `ready` line).
 */
export function runTogether(
  name: string,
  argsOf: string[][],
  goFile: string,
): Promise<{ code: number | null; stdout: string; stderr: string }[]> {
  let ready = 0;
  return Promise.all(
    argsOf.map(
      (args) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = startFixture(name, [...args, goFile]);
          let stdout = '';
          let stderr = '';
          let started = false;
          child.stdout?.on('data', (chunk) => {
            stdout += chunk;
            if (!started && stdout.startsWith('ready\n')) {
              started = true;
              stdout = stdout.slice('ready\n'.length);
              ready += 1;
              if (ready === argsOf.length) writeFileSync(goFile, 'go');
            }
          });
          child.stderr?.on('data', (chunk) => {
            stderr += chunk;
          });
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        }),
    ),
  );
}
