/** The code block that follows the `readme-example` marker in README.md. */
export function readmeExample(markdown: string): string {
  const marker = markdown.indexOf('<!-- readme-example');
  const match = /```ts\n([\s\S]*?)```/.exec(markdown.slice(marker));
  if (marker === -1 || !match?.[1]) throw new Error('README.md has no readme-example block');
  return match[1];
}

/** Every `ts` code block of a Markdown document, in order. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/**
 * The `ts` blocks that follow a `<!-- typecheck -->` marker, or an
 * `<!-- http-example: name -->` marker (those also run, in the server's
 * tests): each is a module of its own.
 */
export function markedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- (?:typecheck|http-example: [a-z-]+) -->\s*```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? '',
  );
}
