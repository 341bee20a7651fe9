import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

/**
 * Aliases of the embedded store in one small JSON file, replaced atomically (temp file, fsync,
 * rename): after a crash the file holds either the old or the new mapping, never a mix.
 *
 * @example
 * const aliases = await readAliasFile('/data/aliases.json');
 * await writeAliasFile('/data/aliases.json', { ...aliases, catalog: 'catalog_v000012' });
 */
export async function readAliasFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as { aliases?: Record<string, string> };
  return { ...(parsed.aliases ?? {}) };
}

export async function writeAliasFile(path: string, aliases: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, aliases }, null, 2)}\n`, { fsync: true });
}
