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

/** A `ts` block of a Markdown document, with the marker comment just above it, if any. */
export interface MarkdownBlock {
  /** The code. */
  code: string;
  /** The line of the opening fence, 1-based. */
  line: number;
  /** The marker's text, e.g. `typecheck: skip (fragment)`, or `null`. */
  marker: string | null;
}

/** Every `ts` block of a Markdown document (indented ones in lists too), with its marker comment. */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  return [...markdown.matchAll(/^(?:<!-- ([^\n]*?) -->[ \t]*\n(?:[ \t]*\n)?)?([ \t]*)```ts\n([\s\S]*?)^\2```/gm)].map(
    (match) => {
      const fence = match.index + match[0].indexOf('```ts');
      return {
        code: match[3] ?? '',
        line: markdown.slice(0, fence).split('\n').length,
        marker: match[1] ?? null,
      };
    },
  );
}

/** The reason of a `<!-- typecheck: skip (reason) -->` marker, or `null` for a block that is type-checked. */
export function skipReason(block: MarkdownBlock): string | null {
  const skip = /^typecheck: skip \((.+)\)$/.exec(block.marker ?? '');
  return skip?.[1] ?? null;
}
