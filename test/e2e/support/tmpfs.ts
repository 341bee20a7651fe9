import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A size-limited tmpfs mounted on `dir` (tests run as root): a disk that fills up for real,
 * with ENOSPC from the kernel, and that can be grown again to free space.
 *
 * @example
 * const disk = await mountTmpfs('/tmp/x/trainer', '16k');
 * await disk.resize('64m');
 * await disk.unmount();
 */
export async function mountTmpfs(dir: string, size: string) {
  await mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  } catch (error) {
    throw new Error(`mounting a tmpfs on ${dir} needs root (tests run as root): ${(error as Error).message}`);
  }
  let mounted = true;
  return {
    dir,
    /** Grows (or shrinks) the filesystem in place; its files stay. */
    async resize(newSize: string): Promise<void> {
      await run('mount', ['-o', `remount,size=${newSize}`, dir]);
    },
    async unmount(): Promise<void> {
      if (!mounted) return;
      mounted = false;
      // Lazy: a process still holding a file in it must not make cleanup fail.
      await run('umount', ['-l', dir]);
    },
  };
}

export type Tmpfs = Awaited<ReturnType<typeof mountTmpfs>>;
