#!/usr/bin/env node
// Fails when the source of the packages imports in a circle. Every import counts, `import type` and
// `export … from` included: a type-only circle still means two modules that cannot be read (or moved)
// one without the other, so the types go where they belong instead. Reads the import specifiers with
// the TypeScript compiler's own pre-processor (no regexes, no type checking), resolves relative
// specifiers (`./x.js` is `./x.ts`) and the workspace packages' names (`@ticketkit/core` is its
// src/index.ts), and prints one circle per strongly connected group of files.
//
//   node scripts/check-import-cycles.mjs            # packages/*/src
//   node scripts/check-import-cycles.mjs some/dir   # any folders of .ts files (the test uses a fixture)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every .ts file under `dir` (tests and declaration files aside). */
function sourceFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name)) files.push(path);
  }
  return files;
}

/** The workspace packages under packages/: their name and their source entry points. */
function workspacePackages() {
  const packages = new Map();
  const dir = join(root, 'packages');
  for (const name of readdirSync(dir)) {
    const manifest = join(dir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: packageName } = JSON.parse(readFileSync(manifest, 'utf8'));
    packages.set(packageName, join(dir, name, 'src'));
  }
  return packages;
}

function resolveSpecifier(from, specifier, packages) {
  let base;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else {
    const name = specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/');
    const src = packages.get(name);
    if (!src) return null;
    const rest = specifier.slice(name.length);
    base = join(src, rest ? rest : 'index');
  }
  const stem = base.replace(/\.(m?js|tsx?)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, join(stem, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The import graph of `dirs`: file → the files it imports (only files inside the graph). */
export function importGraph(dirs) {
  const packages = workspacePackages();
  const files = dirs.flatMap(sourceFiles);
  const inGraph = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      const target = resolveSpecifier(file, fileName, packages);
      if (target && inGraph.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** One circle per strongly connected group (Tarjan), each as a path that ends where it starts. */
export function findCycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  let counter = 0;
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) === index.get(node)) {
      const group = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => ({ files: group.sort(), cycle: shortestCycle(graph, new Set(group)) }));
}

// The shortest circle through the group's first file (breadth first, inside the group).
function shortestCycle(graph, group) {
  const start = [...group].sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function main(args) {
  const dirs = args.length
    ? args.map((dir) => resolve(dir))
    : readdirSync(join(root, 'packages'))
        .map((name) => join(root, 'packages', name, 'src'))
        .filter((dir) => existsSync(dir));
  const graph = importGraph(dirs);
  const cycles = findCycles(graph);
  const show = (file) => relative(process.cwd(), file);
  if (cycles.length === 0) {
    console.log(`check-import-cycles: no import circles in ${graph.size} files`);
    return 0;
  }
  for (const { files, cycle } of cycles) {
    console.error(`Import circle (${files.length} files): ${cycle.map(show).join(' -> ')}`);
    if (files.length > cycle.length - 1) console.error(`  the whole group: ${files.map(show).join(', ')}`);
  }
  console.error(
    `check-import-cycles: ${cycles.length} import circle(s); \`import type\` counts too: move the shared types to a module both sides import`,
  );
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
