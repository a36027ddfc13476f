import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Caps a process at a share of one core with a cgroup CPU quota (cgroup v1's
 * `cpu.cfs_quota_us` or v2's `cpu.max`), the way a container limit or a small
 * machine of its own would. The HTTP suite's `--app-cpu` uses it so that the
 * app processes, not the two cores they share with PostgreSQL and the load
 * generator, are what runs out: that is the case in which a host adds app
 * servers, and the one in which adding them must add throughput.
 *
 * Needs a writable cgroup CPU controller (root on most Linux machines);
 * throws saying so otherwise. Returns the function that removes the group
 * once the process has exited.
 */
export function capCpu(pid: number, cores: number): () => void {
  if (!(cores > 0 && cores <= 64)) throw new Error(`--app-cpu must be a number of cores above 0, not ${cores}`);
  const period = 100_000;
  const quota = Math.max(1_000, Math.round(cores * period));
  const name = `ticketkit-bench-${process.pid}-${pid}`;
  try {
    const v1 = '/sys/fs/cgroup/cpu';
    if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
      const group = join(v1, name);
      mkdirSync(group);
      writeFileSync(join(group, 'cpu.cfs_period_us'), String(period));
      writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quota));
      writeFileSync(join(group, 'cgroup.procs'), String(pid));
      return () => removeGroup(group);
    }
    const v2 = '/sys/fs/cgroup';
    if (!readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) {
      throw new Error('the cgroup v2 hierarchy has no cpu controller');
    }
    if (!readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').includes('cpu')) {
      writeFileSync(join(v2, 'cgroup.subtree_control'), '+cpu');
    }
    const group = join(v2, name);
    mkdirSync(group);
    writeFileSync(join(group, 'cpu.max'), `${quota} ${period}`);
    writeFileSync(join(group, 'cgroup.procs'), String(pid));
    return () => removeGroup(group);
  } catch (error) {
    throw new Error(
      `--app-cpu caps each app process with a cgroup CPU quota and needs a writable cgroup cpu controller (root): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/**
 * Removes the group once it is empty. The app process has exited by then, but a child it started (tsx's
 * esbuild service) is in the group too and may outlive it by a moment: try again for up to two seconds (keeping the benchmark alive that long).
 */
function removeGroup(group: string, attempt = 0) {
  try {
    rmdirSync(group);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EBUSY' && attempt < 20) setTimeout(() => removeGroup(group, attempt + 1), 100);
  }
}
