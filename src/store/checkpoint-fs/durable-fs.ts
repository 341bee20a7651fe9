import { promises as fs } from 'node:fs';

/**
 * Writes a file and fsyncs it, so a later directory rename cannot expose a file whose bytes
 * are still only in the page cache.
 *
 * @example
 * await writeFileSynced('/ckpt/.tmp/model.json', JSON.stringify(topology));
 */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so renames and creations inside it survive a power loss. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
