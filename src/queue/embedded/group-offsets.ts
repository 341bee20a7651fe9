import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { TopicName } from '../../core/queue';

/** Committed next-offsets of one consumer group: topic → partition → offset. */
export type OffsetTable = Partial<Record<TopicName, Record<number, number>>>;

/**
 * A consumer group's committed offsets, kept in `<dir>/<group>.json` and replaced atomically
 * (write to a temp file, fsync, rename) so a crash leaves either the old or the new table.
 *
 * @example
 * const offsets = new GroupOffsets('/data/queue/groups', 'trainer');
 * await offsets.commit({ items: { 0: 120 } });
 * (await offsets.load()).items?.[0]; // 120
 */
export class GroupOffsets {
  private readonly path: string;
  private table: OffsetTable | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    group: string,
  ) {
    this.path = join(dir, `${encodeURIComponent(group)}.json`);
  }

  async load(): Promise<OffsetTable> {
    if (!this.table) {
      try {
        this.table = JSON.parse(await readFile(this.path, 'utf8')) as OffsetTable;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.table = {};
      }
    }
    return this.table;
  }

  /** Merges `offsets` into the table and persists it; commits are applied in call order. */
  commit(offsets: OffsetTable): Promise<void> {
    const next = this.chain.then(async () => {
      const table = structuredClone(await this.load());
      for (const [topic, partitions] of Object.entries(offsets) as [TopicName, Record<number, number>][]) {
        table[topic] = { ...table[topic], ...partitions };
      }
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.path, JSON.stringify(table), { fsync: true });
      this.table = table;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
