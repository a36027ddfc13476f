import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}); see ${log}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dovecot did not listen on ${port}; see ${log}`);
}

/** How {@link startDovecot} sets the server up. */
export interface DovecotOptions {
  user?: string;
  pass?: string;
  /**
   * Advertise IDLE, as Dovecot does by default; `false` leaves it out of the
   * capabilities (some providers' servers have none), so clients poll.
   * @default true
   */
  idle?: boolean;
  /** Also listen for IMAPS (TLS from the first byte) with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
}

// Dovecot 2.3's own capabilities after login, less IDLE.
const WITHOUT_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT ' +
  'MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ' +
  'ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW ' +
  'STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

/**
 * A real Dovecot IMAP server for one test: Debian's dovecot-imapd, on
 * 127.0.0.1 and a free port, with a throw-away config, passwd file and
 * maildir in a temporary directory; stopped and removed after the test.
 * Dovecot's master runs as root (as in CI), mail is stored as the `dovecot` user.
 */
export async function startDovecot(options: DovecotOptions = {}) {
  const { user = 'support', pass = 'secret', idle = true, tls } = options;
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: apt-get install dovecot-imapd (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'tk-dovecot-'));
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, sub));
  chownSync(join(dir, 'mail'), uid('dovecot'), gid('dovecot'));
  chownSync(join(dir, 'home'), uid('dovecot'), gid('dovecot'));
  const port = await freePort();
  const imapsPort = tls ? await freePort() : 0;
  if (tls) {
    writeFileSync(join(dir, 'cert.pem'), tls.cert);
    writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  }
  const conf = join(dir, 'dovecot.conf');
  const log = join(dir, 'dovecot.log');
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${pass}\n`);
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
instance_name = tk-${port}
protocols = imap
listen = 127.0.0.1
${tls ? `ssl = yes\nssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : 'ssl = no'}
${idle ? '' : `imap_capability = ${WITHOUT_IDLE}`}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%u
}
`,
  );
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: 'ignore' });
  onTestFinished(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  await waitForPort(port, child, log);
  if (tls) await waitForPort(imapsPort, child, log);
  return {
    port,
    /** The IMAPS port, with `tls`. */
    imapsPort,
    user,
    pass,
    /**
     * Drops every IMAP connection of the user, as a server restart or a network cut would, and returns once
     * the imap processes that held them have exited: `doveadm kick` only signals them, and one still alive
     * could carry out a command sent just after (a test's "dropped before the flag" would then flag).
     * Synchronous, so no client of this process reconnects in the meantime.
     */
    kick: () => {
      const who = execFileSync(DOVEADM, ['-c', conf, 'who', user], { stdio: 'pipe' }).toString();
      const pids = [...who.matchAll(/\(([\d ]+)\)/g)].flatMap((match) =>
        (match[1] ?? '').trim().split(/\s+/).map(Number),
      );
      const said = execFileSync(DOVEADM, ['-c', conf, 'kick', user], { stdio: 'pipe' }).toString();
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (let waited = 0; waited < 5_000 && pids.some(alive); waited += 10) Atomics.wait(pause, 0, 0, 10);
      return said;
    },
  };
}

const uid = (name: string) => Number(execFileSync('id', ['-u', name]).toString().trim());
const gid = (name: string) => Number(execFileSync('id', ['-g', name]).toString().trim());
