import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ScratchMount {
  /** The mounted directory. */
  dir: string;
  /** Unmounts (lazily if still busy) and removes the mount point. */
  unmount(): Promise<void>;
}

export interface FreezableMount extends ScratchMount {
  /** `fsfreeze -f`: every write and fsync on the filesystem blocks until `thaw()`, as on a stalled disk. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
}

async function mountPoint(prefix: string): Promise<{ parent: string; dir: string }> {
  const parent = await mkdtemp(join(tmpdir(), prefix));
  const dir = join(parent, 'mnt');
  await mkdir(dir);
  return { parent, dir };
}

async function unmountAndRemove(dir: string, parent: string): Promise<void> {
  await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
  await rm(parent, { recursive: true, force: true });
}

/**
 * A tmpfs of `sizeBytes` (needs root), for filling a disk in a test.
 *
 * @example
 * const disk = await mountTmpfs(2 << 20);
 * try { ... write under disk.dir until ENOSPC ... } finally { await disk.unmount(); }
 */
export async function mountTmpfs(sizeBytes: number): Promise<ScratchMount> {
  const { parent, dir } = await mountPoint('discern-tmpfs-');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw new Error(`mounting a tmpfs needs root: ${(error as Error).message}`);
  }
  return { dir, unmount: () => unmountAndRemove(dir, parent) };
}

/**
 * A small ext4 filesystem on a loop device (needs root) that can be frozen with `fsfreeze`, so
 * that real writes and fsyncs stall in the kernel exactly as on a hung disk.
 *
 * @example
 * const disk = await mountFreezable(32 << 20);
 * await disk.freeze(); // writes under disk.dir now hang
 * await disk.thaw();
 * await disk.unmount();
 */
export async function mountFreezable(sizeBytes: number): Promise<FreezableMount> {
  const { parent, dir } = await mountPoint('discern-freezable-');
  const image = join(parent, 'disk.img');
  let frozen = false;
  try {
    await run('truncate', ['-s', String(sizeBytes), image]);
    await run('mkfs.ext4', ['-q', '-F', image]);
    await run('mount', ['-o', 'loop', image, dir]);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw new Error(`mounting a loop-device ext4 needs root, mkfs.ext4 and a free loop device: ${(error as Error).message}`);
  }
  return {
    dir,
    async freeze() {
      await run('fsfreeze', ['-f', dir]);
      frozen = true;
    },
    async thaw() {
      if (!frozen) return;
      await run('fsfreeze', ['-u', dir]);
      frozen = false;
    },
    async unmount() {
      if (frozen) await run('fsfreeze', ['-u', dir]).catch(() => undefined);
      await unmountAndRemove(dir, parent);
    },
  };
}
