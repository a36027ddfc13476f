import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('../scripts/check-import-cycles.mjs', import.meta.url).pathname;
const dirs: string[] = [];

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ticketkit-cycles-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const check = (dir: string) => spawnSync(process.execPath, [script, dir], { cwd: dir, encoding: 'utf8' });

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/check-import-cycles.mjs', () => {
  it('fails on a pair of files that import each other, naming the circle', () => {
    const dir = fixture({
      'a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Import circle (2 files): a.ts -> b.ts -> a.ts');
  });

  it('counts a type-only import and a re-export, through folders and index files', () => {
    const dir = fixture({
      'desk/help-desk.ts':
        "import type { Plugin } from '../sdk/index.js';\nexport interface Desk { use(p: Plugin): void }\n",
      'sdk/index.ts': "export type { Plugin } from './plugin.js';\n",
      'sdk/plugin.ts':
        "import type { Desk } from '../desk/help-desk.js';\nexport interface Plugin { setup(d: Desk): void }\n",
    });
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'Import circle (3 files): desk/help-desk.ts -> sdk/index.ts -> sdk/plugin.ts -> desk/help-desk.ts',
    );
  });

  it('passes a graph without circles, shared types in a module of their own', () => {
    const dir = fixture({
      'types.ts': 'export interface Desk { id: string }\n',
      'a.ts': "import type { Desk } from './types.js';\nexport const a = (d: Desk) => d.id;\n",
      'b.ts':
        "import type { Desk } from './types.js';\nimport { a } from './a.js';\nexport const b = (d: Desk) => a(d);\n",
    });
    const result = check(dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no import circles in 3 files');
  });

  it('finds no circle in the packages today', () => {
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
