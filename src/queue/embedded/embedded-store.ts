import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { TopicName } from '../../core/queue';
import type { Logger } from '../../log/logger';
import { TOPIC_NAMES } from '../topics';
import { GroupOffsets } from './group-offsets';
import { PartitionLog } from './partition-log';

/**
 * The files behind an embedded queue directory, shared by every queue opened on that
 * directory in this process (the partition logs have a single writer):
 *
 * - `LOCK`: pid of the owning process; a second live process is refused.
 * - `topics.json`: partition count per topic, fixed when the topic is first created.
 * - `<topic>/<partition>.log`: the partition logs.
 * - `groups/<group>.json`: committed offsets per consumer group.
 *
 * @example
 * const store = await EmbeddedStore.acquire('/data/queue', 3, log);
 * await store.logOf('items', 0).append(records);
 * await store.release();
 */
export class EmbeddedStore {
  private static readonly open = new Map<string, { store: Promise<EmbeddedStore>; users: number }>();

  private readonly groups = new Map<string, GroupOffsets>();
  private readonly claimedGroups = new Set<string>();

  private constructor(
    readonly dir: string,
    private readonly logs: Map<TopicName, PartitionLog[]>,
  ) {}

  /**
   * Opens (or shares) the store in `dir`, creating missing topics with `partitions` partitions.
   * `lingerMs` applies to the logs' group commit (taken from whoever opens the directory first).
   */
  static async acquire(dir: string, partitions: number, log: Logger, options: { lingerMs?: number } = {}): Promise<EmbeddedStore> {
    const key = resolve(dir);
    let entry = EmbeddedStore.open.get(key);
    if (!entry) {
      entry = { store: EmbeddedStore.openDir(key, partitions, log, options.lingerMs ?? 0), users: 0 };
      EmbeddedStore.open.set(key, entry);
      entry.store.catch(() => EmbeddedStore.open.delete(key));
    }
    entry.users++;
    return entry.store;
  }

  private static async openDir(dir: string, partitions: number, log: Logger, lingerMs: number): Promise<EmbeddedStore> {
    await mkdir(dir, { recursive: true });
    await lockDir(dir);
    try {
      const metaPath = join(dir, 'topics.json');
      const meta = await readJson<Partial<Record<TopicName, number>>>(metaPath, {});
      let changed = false;
      for (const topic of TOPIC_NAMES) {
        if (meta[topic] === undefined) {
          meta[topic] = partitions;
          changed = true;
        } else if (meta[topic] !== partitions) {
          log.warn({ topic, existing: meta[topic], configured: partitions }, 'topic exists with another partition count; keeping it');
        }
      }
      if (changed) await writeFileAtomic(metaPath, JSON.stringify(meta), { fsync: true });
      const logs = new Map<TopicName, PartitionLog[]>();
      for (const topic of TOPIC_NAMES) {
        await mkdir(join(dir, topic), { recursive: true });
        const topicLogs: PartitionLog[] = [];
        for (let p = 0; p < meta[topic]!; p++) topicLogs.push(await PartitionLog.open(join(dir, topic, `${p}.log`), log, { lingerMs }));
        logs.set(topic, topicLogs);
      }
      return new EmbeddedStore(dir, logs);
    } catch (error) {
      await rm(join(dir, 'LOCK'), { force: true });
      throw error;
    }
  }

  partitionCount(topic: TopicName): number {
    return this.logs.get(topic)!.length;
  }

  logOf(topic: TopicName, partition: number): PartitionLog {
    return this.logs.get(topic)![partition];
  }

  /** How long the oldest write in progress on any partition log has been running, in ms (0 when none). */
  pendingWriteMs(): number {
    let longest = 0;
    for (const logs of this.logs.values()) for (const log of logs) longest = Math.max(longest, log.pendingWriteMs());
    return longest;
  }

  offsetsOf(group: string): GroupOffsets {
    let offsets = this.groups.get(group);
    if (!offsets) {
      offsets = new GroupOffsets(join(this.dir, 'groups'), group);
      this.groups.set(group, offsets);
    }
    return offsets;
  }

  /** Marks `group` as consumed here; partitions are not shared out, so one consumer per group. */
  claimGroup(group: string): void {
    if (this.claimedGroups.has(group)) {
      throw new Error(`group: consumer group "${group}" already has an open consumer on this embedded queue`);
    }
    this.claimedGroups.add(group);
  }

  releaseGroup(group: string): void {
    this.claimedGroups.delete(group);
  }

  /** Drops one user; the last one closes the logs and removes the lock. */
  async release(): Promise<void> {
    const entry = EmbeddedStore.open.get(this.dir);
    if (!entry || --entry.users > 0) return;
    EmbeddedStore.open.delete(this.dir);
    for (const logs of this.logs.values()) for (const log of logs) await log.close();
    await rm(join(this.dir, 'LOCK'), { force: true });
  }
}

async function lockDir(dir: string): Promise<void> {
  const path = join(dir, 'LOCK');
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number((await readFile(path, 'utf8')).trim());
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new Error(`dir: embedded queue ${dir} is in use by process ${owner}`);
  }
  // The previous owner died without releasing the lock (e.g. a crash): take it over.
  await writeFile(path, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}
