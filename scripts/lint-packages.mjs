#!/usr/bin/env node
// Checks the packaging of every publishable workspace package under packages/ the way a consumer sees it:
// publint (strict: warnings fail too) and Are the Types Wrong (ESM-only profile: no CommonJS entry points
// are promised, so attw must only find problems in the `require` resolutions it ignores).
// Run it after `npm run build`; it lints the packed tarball, so a missing or stale dist fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

const attwPackage = require.resolve('@arethetypeswrong/cli/package.json');
const attwBin = join(dirname(attwPackage), readJson(attwPackage).bin.attw);

const workspaces = readJson(join(root, 'package.json')).workspaces ?? [];
const packageDirs = workspaces.filter((w) => w.startsWith('packages/')).map((w) => join(root, w));

const failures = [];
let checked = 0;

for (const dir of packageDirs) {
  const pkg = readJson(join(dir, 'package.json'));
  const where = relative(root, dir);
  if (pkg.private) {
    console.log(`- ${pkg.name} (${where}): private (not published), skipped`);
    continue;
  }
  checked += 1;
  console.log(`\n▶ ${pkg.name} (${where})`);
  if (!existsSync(join(dir, 'dist'))) {
    failures.push(`${pkg.name}: ${where}/dist is missing; run \`npm run build\` first`);
    console.log('  dist/ is missing; run `npm run build` first');
    continue;
  }

  const { messages } = await publint({ pkgDir: dir, strict: true, pack: 'npm' });
  const errors = messages.filter((m) => m.type === 'error');
  for (const message of messages) {
    console.log(`  publint ${message.type}: ${formatMessage(message, pkg)}`);
  }
  if (errors.length > 0) {
    failures.push(`${pkg.name}: publint reported ${errors.length} error(s) (warnings count as errors in strict mode)`);
  } else {
    console.log('  publint (strict): ok');
  }

  const attw = spawnSync(process.execPath, [attwBin, '--pack', dir, '--profile', 'esm-only', '--no-emoji'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (attw.status === 0) {
    console.log('  attw (esm-only): ok');
  } else {
    process.stdout.write(attw.stdout);
    process.stderr.write(attw.stderr);
    failures.push(`${pkg.name}: attw --profile esm-only found type resolution problems (exit ${attw.status})`);
  }
}

if (failures.length > 0) {
  console.error(`\nlint:packages failed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`\nlint:packages: ${checked} package(s) pass publint (strict) and attw (esm-only).`);
