import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { IncompleteCheckpointError, type CheckpointDraft, type CheckpointFolders, type CheckpointStore } from '../../core/checkpoint-store';
import { syncDirectory, writeFileSynced } from './durable-fs';

const MANIFEST = 'checkpoint.json';
const LATEST = 'latest';
const TEMP_PREFIX = '.tmp-';
const VERSION_PATTERN = /^v\d{6,}$/;

/**
 * Checkpoints as folders `dir/checkpoints/vNNNNNN/`. A version is written into a temporary
 * sibling folder, each file fsync'd, the manifest last; the folder is renamed into place and
 * only then is `latest` replaced (atomically, via write-file-atomic). Leftover temporary folders
 * of interrupted saves are removed by the next save and never read.
 *
 * @example
 * const store = createFsCheckpointStore('/var/lib/discern/trainer');
 * const draft = await store.begin();
 * await draft.writeFile('head/weights.bin', bytes);
 * await draft.commit(JSON.stringify(manifest), { keep: 3 });
 */
export function createFsCheckpointStore(dir: string): CheckpointStore {
  return folderStore(path.join(dir, 'checkpoints'));
}

/**
 * One version that was copied to `folder` (its manifest and files at the top), read as the
 * store's only version `v000001`; it cannot be written.
 *
 * @example
 * const copy = openFsCheckpointCopy(await modelStore.checkpointDir('v000004'));
 * await copy.readManifest('v000001');
 */
export function openFsCheckpointCopy(folder: string): CheckpointStore {
  const store = folderStore(path.dirname(folder), () => folder);
  return {
    ...store,
    location: folder,
    async begin() {
      throw new Error(`${folder} is a copy of one checkpoint version and cannot be written`);
    },
    async versions() {
      return (await exists(path.join(folder, MANIFEST))) ? ['v000001'] : [];
    },
    async latest() {
      return (await this.versions())[0];
    },
  };
}

/** Both kinds of folder store, for what opens checkpoints by folder. */
export const fsCheckpointFolders: CheckpointFolders = { open: createFsCheckpointStore, openCopy: openFsCheckpointCopy };

function folderStore(root: string, folderOfVersion = (version: string) => path.join(root, version)): CheckpointStore {
  function folderOf(version: string): string {
    if (!VERSION_PATTERN.test(version)) throw new IncompleteCheckpointError(`version must look like v000001 or be 'latest', got '${version}'`);
    return folderOfVersion(version);
  }

  async function versions(includeIncomplete = false): Promise<string[]> {
    let entries: string[];
    try {
      entries = await fs.readdir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found = entries.filter((e) => VERSION_PATTERN.test(e)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    if (includeIncomplete) return found;
    const complete = await Promise.all(found.map((v) => exists(path.join(root, v, MANIFEST))));
    return found.filter((_, i) => complete[i]);
  }

  return {
    location: root,
    folderOf,
    versions: () => versions(),

    async latest() {
      try {
        return (await fs.readFile(path.join(root, LATEST), 'utf8')).trim();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      // A crash between the rename and the pointer update leaves a complete version unnamed.
      return (await versions()).at(-1);
    },

    async readManifest(version) {
      const folder = folderOf(version);
      try {
        return await fs.readFile(path.join(folder, MANIFEST), 'utf8');
      } catch (error) {
        throw new IncompleteCheckpointError(`${folder} is not a complete checkpoint (${(error as Error).message})`, { cause: error });
      }
    },

    async readFile(version, name) {
      return new Uint8Array(await fs.readFile(path.join(folderOf(version), name)));
    },

    async begin(): Promise<CheckpointDraft> {
      await fs.mkdir(root, { recursive: true });
      const entries = await fs.readdir(root);
      await Promise.all(entries.filter((e) => e.startsWith(TEMP_PREFIX)).map((e) => fs.rm(path.join(root, e), { recursive: true, force: true })));
      const existing = await versions(true);
      const next = existing.length === 0 ? 1 : Number(existing[existing.length - 1].slice(1)) + 1;
      const version = `v${String(next).padStart(6, '0')}`;
      const temp = path.join(root, `${TEMP_PREFIX}${version}-${randomBytes(4).toString('hex')}`);
      await fs.mkdir(temp);
      const folders = new Set<string>();
      return {
        version,
        async writeFile(name, data) {
          const file = path.join(temp, name);
          await fs.mkdir(path.dirname(file), { recursive: true });
          folders.add(path.dirname(file));
          await writeFileSynced(file, data);
        },
        async commit(manifest, { keep }) {
          for (const folder of folders) if (folder !== temp) await syncDirectory(folder);
          // The manifest goes last: a folder without it is incomplete by definition.
          await writeFileSynced(path.join(temp, MANIFEST), manifest);
          await syncDirectory(temp);
          await fs.rename(temp, path.join(root, version));
          await syncDirectory(root);
          await writeFileAtomic(path.join(root, LATEST), `${version}\n`, { fsync: true });
          await syncDirectory(root);
          const all = (await fs.readdir(root)).filter((e) => VERSION_PATTERN.test(e)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
          const doomed = all.slice(0, Math.max(0, all.length - keep)).filter((v) => v !== version);
          await Promise.all(doomed.map((v) => fs.rm(path.join(root, v), { recursive: true, force: true })));
        },
      };
    },
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
