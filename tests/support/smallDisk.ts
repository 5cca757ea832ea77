// A real, small disk for a browser profile: a tmpfs mounted for one test, so
// that IndexedDB runs out of space the way it does on a full phone.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallDisk {
  /** Where it is mounted: put the browser profile here. */
  dir: string;
  /** Bytes free on it now. */
  free(): Promise<number>;
  /** Fills it up to `leaveFree` bytes free with a file of its own. */
  fill(leaveFree: number): Promise<void>;
  /** Deletes what {@link fill} wrote: the space is free again. */
  unfill(): Promise<void>;
  unmount(): Promise<void>;
}

/**
 * Mounts a tmpfs of `megabytes`, as root or through passwordless sudo.
 * @returns the disk, or why it cannot be had on this machine (the caller
 * skips with that reason: Chromium's CDP quota override is not enforced
 * for IndexedDB here, so a real full disk is the only honest test).
 */
export async function mountSmallDisk(megabytes: number): Promise<SmallDisk | { unavailable: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-small-disk-'));
  const asRoot = process.getuid?.() === 0;
  const mountArgs = ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir];
  const sudo = async (cmd: string, args: string[]) => (asRoot ? run(cmd, args) : run('sudo', ['-n', cmd, ...args]));
  try {
    await sudo('mount', mountArgs);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    return { unavailable: `cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})` };
  }
  const filler = join(dir, 'filler');
  const free = async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    fill: async (leaveFree) => {
      const bytes = Math.max(0, (await free()) - leaveFree);
      await writeFile(filler, new Uint8Array(bytes).fill(1));
    },
    unfill: () => rm(filler, { force: true }),
    unmount: async () => {
      await sudo('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
