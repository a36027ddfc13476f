#!/usr/bin/env node
// Installs the packages the way the guides tell a host to before they are on the registry: `npm pack` each
// publishable package, install the tarballs together into a fresh ESM project, and run a desk on SQLite with
// the HTTP API in front of it. Proves that the tarballs hold `dist`, that each package has a `prepack` build
// (so a fresh clone packs one too), that one copy of core is installed (a peer of the others), that the adapter
// loads without better-sqlite3 and then names it, and that the three work together once it is there.
// Then a strict TypeScript host type-checks against the packed declarations (their type dependencies come along).
// Run it after `npm run build` (it packs with --ignore-scripts to reuse that build): about 5 s, plus the registry
// lookups of the packages' own dependencies when the npm cache lacks them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const failures = [];
const check = (ok, message) => {
  console.log(`  ${ok ? '✓' : '✗'} ${message}`);
  if (!ok) failures.push(message);
};

const work = mkdtempSync(join(tmpdir(), 'ticketkit-install-'));
try {
  const workspaces = readJson(join(root, 'package.json')).workspaces ?? [];
  const packages = workspaces
    .filter((w) => w.startsWith('packages/'))
    .map((w) => ({ dir: join(root, w), pkg: readJson(join(root, w, 'package.json')) }))
    .filter(({ pkg }) => !pkg.private);

  console.log('▶ npm pack');
  const tarballs = [];
  for (const { dir, pkg } of packages) {
    check(/\b(npm run build|tsup)\b/.test(pkg.scripts?.prepack ?? ''), `${pkg.name} builds on prepack`);
    const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: dir,
      encoding: 'utf8',
    });
    const [packed] = JSON.parse(out);
    const files = packed.files.map((file) => file.path);
    check(
      files.includes('dist/index.js') && files.includes('dist/index.d.ts'),
      `${pkg.name}: the tarball holds dist/index.js and dist/index.d.ts (${files.length} files)`,
    );
    tarballs.push(join(work, packed.filename));
  }

  console.log('▶ npm install the tarballs into a fresh ESM project (with nodemailer 7, a peer of @ticketkit/email)');
  const host = join(work, 'host');
  mkdirSync(host);
  writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host', private: true, type: 'module' }));
  const install = spawnSync(
    npm,
    ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, 'nodemailer@^7'],
    {
      cwd: host,
      encoding: 'utf8',
    },
  );
  check(install.status === 0, `npm install exits 0${install.status === 0 ? '' : `: ${install.stderr}`}`);
  for (const { pkg } of packages.filter(({ pkg }) => pkg.name !== '@ticketkit/core')) {
    const nested = join(host, 'node_modules', pkg.name, 'node_modules', '@ticketkit', 'core');
    check(!existsSync(nested), `${pkg.name} uses the host's @ticketkit/core (no second copy under it)`);
  }

  const run = (name, source) => {
    writeFileSync(join(host, name), source);
    const result = spawnSync(process.execPath, [name], { cwd: host, encoding: 'utf8', timeout: 30_000 });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
  };

  console.log('▶ without better-sqlite3 (an optional peer): the adapter loads, and opening a file names it');
  const missing = run(
    'missing-driver.mjs',
    `import { isTicketkitError } from '@ticketkit/core';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
try {
  sqliteStorage({ filename: 'data/helpdesk.db' });
  console.log('opened without better-sqlite3?');
} catch (error) {
  console.log(isTicketkitError(error, 'STORAGE_FAILED') ? error.message : 'unexpected: ' + error);
}
`,
  );
  check(missing.ok && missing.output.includes('npm install better-sqlite3'), `the error names it: ${missing.output}`);

  console.log('▶ with better-sqlite3: a desk on SQLite behind the HTTP API');
  // A host runs `npm install better-sqlite3`; here the repository's built copy is linked in, so this check needs
  // neither a compiler nor a download of SQLite.
  symlinkSync(join(root, 'node_modules', 'better-sqlite3'), join(host, 'node_modules', 'better-sqlite3'), 'dir');
  const desk = run(
    'desk.mjs',
    `import { createHelpDesk } from '@ticketkit/core';
import { sqliteStorage } from '@ticketkit/adapter-sqlite';
import { createSupportApi } from '@ticketkit/server';

const desk = await createHelpDesk({ storage: sqliteStorage({ filename: 'data/helpdesk.db' }) });
await desk.departments.upsert({ id: 'support', name: 'Support' });
const api = createSupportApi(desk, { customerTokens: { secret: 'a-secret-of-at-least-32-characters-long' } });
const created = await api.fetch(
  new Request('http://localhost/tickets', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requester: { email: 'ken@example.com' }, subject: 'Help', body: 'Please', departmentId: 'support' }),
  }),
);
const { ticket, accessToken } = await created.json();
const read = await api.fetch(
  new Request('http://localhost/tickets/' + ticket.number, { headers: { authorization: 'Bearer ' + accessToken } }),
);
console.log(created.status, read.status, (await read.json()).status);
await desk.close();
`,
  );
  check(desk.ok && desk.output === '201 200 open', `intake and read back over HTTP: ${desk.output}`);
  check(existsSync(join(host, 'data', 'helpdesk.db')), 'the database file is in data/ (created by the adapter)');

  console.log('▶ a TypeScript host type-checks against the packed types (strict, skipLibCheck off)');
  // What the packages' declarations import must come with the install: nodemailer 7, the version most hosts run,
  // ships no types of its own (later majors do), so @ticketkit/email brings @types/nodemailer (and with it
  // @types/node, which its declarations use too).
  writeFileSync(
    join(host, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', target: 'es2022' },
      files: ['host.ts'],
    }),
  );
  writeFileSync(
    join(host, 'host.ts'),
    `import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createEmailIntake, createImapPoller, emailNotifier, type IngestResult } from '@ticketkit/email';

const threading = { domain: 'help.example.com', secret: 'a-secret-of-at-least-32-characters-long' };
const desk = await createHelpDesk({
  storage: memoryStorage(),
  notifiers: [emailNotifier({ smtp: { host: 'smtp.example.com', port: 587 }, from: 'support@example.com', threading })],
});
const intake = createEmailIntake(desk, { threading, ownAddresses: ['support@example.com'] });
const poller = createImapPoller(intake, { host: 'imap.example.com', tls: { ca: 'PEM' }, auth: { user: 'u', pass: 'p' } });
const kind: IngestResult['kind'] = 'created';
export { kind, poller };
`,
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', host], {
    cwd: host,
    encoding: 'utf8',
  });
  check(tsc.status === 0, `tsc -p exits 0${tsc.status === 0 ? '' : `:\n${tsc.stdout}${tsc.stderr}`}`);

  const esmOnly = run(
    'require.cjs',
    `try { require('@ticketkit/core'); console.log('loaded') } catch (e) { console.log(e.code) }`,
  );
  check(esmOnly.output !== 'loaded', `the packages are ESM-only: require() gives ${esmOnly.output}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`\ntest:install failed (${seconds} s):\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`\ntest:install: the packed packages install together and run a desk on SQLite (${seconds} s).`);
