import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';
import { replaceDiagram } from '../src/lifecycle/lifecycle-diagram.js';
import { markedBlocks, readmeExample, typescriptBlocks } from './support/markdown.js';

const doc = (name: string) => readFile(new URL(`../../../docs/guides/${name}`, import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

test('the lifecycle diagram in the docs is generated from the current machine', async () => {
  const markdown = await doc('lifecycle.md');
  expect(replaceDiagram(markdown), 'stale diagram: run `npm run diagram`').toBe(markdown);
  expect(markdown).toContain('stateDiagram-v2');
});

test('the getting-started guide runs, block by block, and prints what it says', async () => {
  const markdown = await doc('getting-started.md');
  const blocks = typescriptBlocks(markdown);
  expect(blocks.length).toBeGreaterThan(8);
  const file = join(await mkdtemp(join(tmpdir(), 'ticketkit-guide-')), 'getting-started.ts');
  await writeFile(file, blocks.join('\n'));
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  await import(/* @vite-ignore */ file);
  const lines = logged.map((args) =>
    args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
  );
  expect(lines[0]).toMatch(/^\d{6} open$/);
  expect(lines[1]).toBe('closed 5');
  expect(lines[2]).toBe('false true');
  expect(lines[3]).toMatch(/^open: ∅ → open, assign: open → open, .*confirmResolution: resolved → closed$/);
  expect(lines[4]).toBe('["Card blocked abroad"] null');
  expect(lines[5]).toContain('"open":1');
  expect(lines[6]).toBe(JSON.stringify([lines[0]?.split(' ')[0]]));
  expect(lines[7]).toMatch(/^#\d{6} → level-2: Hi Winston/);
  expect(lines[8]).toBe(JSON.stringify([{ path: ['body'], message: 'This looks like spam.' }]));
  expect(lines.slice(9)).toEqual(['CONFIRMATION_REQUIRED', 'CONFLICT']);
});

test('the README example and the guides type-check against the real API', { timeout: 60_000 }, async () => {
  const ts = await import('typescript');
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const guide = await doc('getting-started.md');
  const examples: Record<string, string> = {
    'readme-example.ts': readmeExample(readme),
    'getting-started.ts': typescriptBlocks(guide).join('\n'),
  };
  for (const name of await readdir(join(root, 'docs/guides'))) {
    markedBlocks(await doc(name)).forEach((block, index) => {
      examples[`${name.replace('.md', '')}-${index}.ts`] = block;
    });
  }
  expect(Object.keys(examples).length).toBeGreaterThan(4);
  // Inside the repository, so `@ticketkit/core` resolves through the root tsconfig's paths.
  const dir = await mkdtemp(join(root, 'packages/core/test/.doc-examples-'));
  try {
    const files = await Promise.all(
      Object.entries(examples).map(async ([name, code]) => {
        const file = join(dir, name);
        await writeFile(file, `${code}\nexport {};\n`);
        return file;
      }),
    );
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, { ...options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file && files.includes(diagnostic.file.fileName))
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
