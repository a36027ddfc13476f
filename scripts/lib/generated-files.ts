import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One file a generator owns (or the part of it between its markers, already spliced into `content`). */
export interface GeneratedFile {
  /** Where it lives. */
  path: URL;
  /** What it should contain. */
  content: string;
}

/**
 * Writes generated docs, or with `--check` (how `npm run docs` and CI call
 * the generators) only verifies they are current and exits 1 naming the stale
 * files, so a picture or table cannot drift from the code it shows.
 */
export async function syncGeneratedFiles(what: string, files: readonly GeneratedFile[]): Promise<void> {
  const stale: GeneratedFile[] = [];
  for (const file of files) {
    const current = await readFile(file.path, 'utf8').catch(() => '');
    if (current !== file.content) stale.push(file);
  }
  const names = (list: readonly GeneratedFile[]) =>
    list.map((file) => fileURLToPath(file.path).replace(`${process.cwd()}/`, '')).join(', ');
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`${what} is stale in ${names(stale)}: run \`npm run diagram\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${what} is current.`);
    return;
  }
  for (const file of stale) await writeFile(file.path, file.content);
  console.log(stale.length ? `Updated ${what} in ${names(stale)}.` : `${what} was already current.`);
}
