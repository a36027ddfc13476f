import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';
import { replaceDiagram } from '../src/lifecycle/lifecycle-diagram.js';
import { markdownBlocks, skipReason, typescriptBlocks } from './support/markdown.js';

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

/**
 * What every snippet may take as given: the names the guides use for your own objects. Everything else a
 * snippet uses, it imports.
 */
const PRELUDE = `
declare const desk: import('@ticketkit/core').HelpDesk;
declare const storage: import('@ticketkit/core').StorageAdapter;
declare const notifiers: import('@ticketkit/core').Notifier[];
declare const ref: string;
declare const actor: import('@ticketkit/core').Actor;
`;

/** The documents whose TypeScript blocks a reader copies: the READMEs and the guides. */
async function documents(root: string): Promise<string[]> {
  const guides = (await readdir(join(root, 'docs/guides'))).filter((name) => name.endsWith('.md'));
  const packages = await readdir(join(root, 'packages'));
  const readmes = packages.map((name) => `packages/${name}/README.md`);
  return ['README.md', ...readmes, ...guides.map((name) => `docs/guides/${name}`)];
}

test('every TypeScript block of the READMEs and the guides type-checks under strict', {
  timeout: 120_000,
}, async () => {
  const ts = await import('typescript');
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const examples: Record<string, { code: string; where: string }> = {};
  const skipped: string[] = [];
  for (const path of await documents(root)) {
    const markdown = await readFile(join(root, path), 'utf8').catch(() => '');
    const blocks = markdownBlocks(markdown);
    const slug = path.replace(/[/.]/g, '_');
    if (path.endsWith('getting-started.md')) {
      // The tour builds one desk from block to block: checked as one program, as it runs in the test above.
      examples[`${slug}.ts`] = { code: blocks.map((block) => block.code).join('\n'), where: path };
      continue;
    }
    for (const block of blocks) {
      // Imports the client openapi-typescript generates: packages/server/test/generated-client.test.ts generates it
      // from the live document and type-checks this very block against it.
      if (block.marker === 'typed-client-example') continue;
      const reason = skipReason(block);
      if (reason) skipped.push(`${path}:${block.line} (${reason})`);
      else examples[`${slug}-${block.line}.ts`] = { code: block.code, where: `${path}:${block.line}` };
    }
  }
  expect(Object.keys(examples).length).toBeGreaterThan(30);
  // Fragments are the exception, each with its reason: keep this list short.
  expect(skipped.length, skipped.join('\n')).toBeLessThanOrEqual(2);
  // Inside the repository, so the packages resolve through the root tsconfig's paths.
  const dir = await mkdtemp(join(root, 'packages/core/test/.doc-examples-'));
  try {
    const prelude = join(dir, 'prelude.d.ts');
    await writeFile(prelude, PRELUDE);
    const files = new Map<string, string>();
    for (const [name, { code, where }] of Object.entries(examples)) {
      const file = join(dir, name);
      await writeFile(file, `${code}\nexport {};\n`);
      files.set(file, where);
    }
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    expect(options.strict).toBe(true);
    const program = ts.createProgram([prelude, ...files.keys()], { ...options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
      .map((diagnostic) => {
        const file = diagnostic.file as import('typescript').SourceFile;
        const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const where = files.get(file.fileName) ?? '';
        return `${where} (+${line}): ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
