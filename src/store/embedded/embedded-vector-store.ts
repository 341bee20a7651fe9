import { access, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import {
  VectorStoreError,
  type CollectionInfo,
  type CollectionSpec,
  type ScrollOptions,
  type ScrollPage,
  type BatchSearchQuery,
  type RecommendQuery,
  type SearchFilter,
  type SearchHit,
  type SearchOptions,
  type VectorPoint,
  type VectorStore,
} from '../../core/vector-store';
import { createLogger } from '../../log/logger';
import { assertIds, assertName, assertPoints, assertSpec, assertVector, normalisePayload } from '../input-validation';
import { assertBatch, assertRecommend, assertScrollOptions, assertSearchOptions } from '../query-validation';
import { readAliasFile, writeAliasFile } from './alias-file';
import { startAnnBuildThread, type AnnBuildThread } from './ann-build-thread';
import { annGraphTempPath, commitAnnFile, readAnnFile, removeAnnFile, saveAnnFile, type AnnFileMeta } from './ann-file';
import { AnnIndex, type AnnIndexConfig } from './ann-index';
import { resolveAnnSettings, type AnnOptions, type AnnSettings } from './ann-settings';
import { exactSearch, slotPredicate, type ScoredSlot } from './exact-search';
import { hasConditions } from './filter-predicate';
import { RecallAudit } from './recall-audit';
import { createSerialQueue, type SerialQueue } from './serial-queue';
import { createSlicedJob, type SlicedJob } from './sliced-job';
import { encodeDelete, encodeUpsert, SegmentLog, syncDirectory } from './segment-log';
import { VectorTable } from './vector-table';

export interface EmbeddedVectorStoreOptions extends AnnOptions {
  /** Data directory (created if missing). */
  dir: string;
  /**
   * Compact a collection's log once it holds at least this many superseded frames and more
   * superseded than live ones (default 10 000).
   */
  compactAfterDeadRecords?: number;
}

/** Where a collection's approximate index stands. */
export interface AnnStatus {
  /**
   * `off`: no index (below `annThreshold`); `building`: the index lags the points or its recall
   * audit has not finished, so every search scans exactly; `ready`: unfiltered searches use the
   * index; `rejected`: the audit measured recall below `annMinRecall` (or indexing failed), so the
   * collection keeps to exact search.
   */
  state: 'off' | 'building' | 'ready' | 'rejected';
  /** recall@10 the audit measured after the last build, once it has. */
  recall?: number;
  /** Points in the index. */
  indexed: number;
  /** Points written or deleted but not yet folded into the index. */
  pending: number;
  /** Searches the index has answered since it was last (re)built. */
  served: number;
  /** `file`: the index was read from the collection's saved index file, not rebuilt. */
  origin?: 'built' | 'file';
}

/** The embedded store, plus a view of its approximate indexes. */
export interface EmbeddedVectorStore extends VectorStore {
  indexStatus(collection: string): AnnStatus;
  /** `collection` may be a collection name or an alias. */
  annStatus(collection: string): AnnStatus;
  /** Resolves once the collection's approximate index has caught up (at once when it has none). */
  annIdle(collection: string): Promise<void>;
}

interface CollectionAnn {
  readonly index: AnnIndex;
  readonly job: SlicedJob;
  readonly origin: 'built' | 'file';
  served: number;
  /** Set once the post-build audit has run and passed. */
  recall?: number;
  /** Segment frames the saved index file covers (-1: none saved). */
  savedRecords: number;
  saveTimer?: NodeJS.Timeout;
  /** The graph file the build thread wrote, not yet the collection's saved index, and what it covers. */
  builtFile?: { path: string; keys: (string | null)[]; records: number };
}

/** A full build running in its own thread, until the store takes the finished graph over. */
interface ThreadAnnBuild {
  readonly thread: AnnBuildThread;
  readonly started: number;
  /** Set once the store has asked for the finished graph. */
  handOver?: Promise<void>;
}

/** A saved index file found on open, and the ids written after it was saved. */
interface SavedAnn {
  meta: AnnFileMeta;
  path: string;
  changed: Set<string>;
}

/** Stored points the recall audit queries with after each build, and how many per turn. */
const AUDIT_SAMPLES = 32;
const AUDIT_QUERIES_PER_TURN = 2;
/** On close, an index this many points behind is caught up and saved; a longer backlog is left to the next open. */
const CLOSE_FOLD_LIMIT = 20_000;

interface Collection {
  readonly name: string;
  readonly dir: string;
  /** Creation order: the newest collection is the one a publication is filling. */
  readonly seq: number;
  readonly spec: CollectionSpec;
  readonly table: VectorTable;
  readonly segment: SegmentLog;
  readonly writes: SerialQueue;
  dropped: boolean;
  ann?: CollectionAnn;
  /** A full build of the collection's index, off the event loop, not yet taken over into `ann`. */
  annBuild?: ThreadAnnBuild;
  /** Set when indexing failed or recall fell short: the collection keeps to exact search. */
  annRejected?: { recall?: number };
  savedAnn?: SavedAnn;
  /** When the index file was last written (ms since the epoch). */
  annSavedAt?: number;
  /** An alias is about to name it: its index is finished first, at `annFinishingShare`. */
  annUrgent?: boolean;
}

const log = createLogger('vector-store.embedded');

/**
 * Opens the durable single-process vector store in `options.dir`: one append-only segment
 * file per collection (fsync'd on every write, torn tails dropped on open), all vectors of a
 * collection in memory for exact search, aliases in `aliases.json` replaced atomically.
 * Collections of at least `annThreshold` points also get an HNSW index for unfiltered searches,
 * but only those that are live (an alias names them) or about to be (the newest collection, which
 * a publication is filling): an index being built for a collection that is superseded is
 * cancelled. The index is kept up to date after writes, searches scan exactly whenever it lags,
 * and it is saved next to the collection's log (atomically, with the log position it covers) so
 * that a restart loads it and folds in only what was written since, instead of rebuilding.
 *
 * @example
 * const store = await openEmbeddedVectorStore({ dir: '.data/vectors' });
 * await store.createCollection('catalog_v000001', { dimension: 128, distance: 'cosine' });
 * await store.upsert('catalog_v000001', [{ id: 'a', vector: embedding, payload: { label: 'shoe' } }]);
 * await store.setAlias('catalog', 'catalog_v000001');
 * const hits = await store.search('catalog', query, { k: 10 });
 */
export async function openEmbeddedVectorStore(options: EmbeddedVectorStoreOptions): Promise<EmbeddedVectorStore> {
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw new VectorStoreError('dir: must be a non-empty path', 'invalid_argument', 'dir');
  }
  const store = new DurableVectorStore(options.dir, options.compactAfterDeadRecords ?? 10_000, resolveAnnSettings(options));
  await store.load();
  return store;
}

class DurableVectorStore implements EmbeddedVectorStore {
  private readonly collections = new Map<string, Collection>();
  /** Replaced wholesale, never mutated, so a reader always sees one consistent mapping. */
  private aliases: Readonly<Record<string, string>> = {};
  private readonly catalog = createSerialQueue();
  private closed = false;
  private newestSeq = 0;

  constructor(
    private readonly dir: string,
    private readonly compactAfterDeadRecords: number,
    private readonly ann: AnnSettings,
  ) {}

  private get collectionsDir() {
    return join(this.dir, 'collections');
  }

  private get aliasPath() {
    return join(this.dir, 'aliases.json');
  }

  async load(): Promise<void> {
    const started = performance.now();
    await mkdir(this.collectionsDir, { recursive: true });
    const found: { name: string; createdAt: number }[] = [];
    for (const entry of await readdir(this.collectionsDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith('.')) {
        await rm(join(this.collectionsDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const meta = JSON.parse(await readFile(join(this.collectionsDir, entry.name, 'meta.json'), 'utf8')) as { createdAt?: number };
      found.push({ name: entry.name, createdAt: meta.createdAt ?? 0 });
    }
    found.sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name } of found) await this.loadCollection(name, ++this.newestSeq);
    const aliases = await readAliasFile(this.aliasPath);
    const kept = Object.fromEntries(Object.entries(aliases).filter(([, target]) => this.collections.has(target)));
    if (Object.keys(kept).length !== Object.keys(aliases).length) await writeAliasFile(this.aliasPath, kept);
    this.aliases = kept;
    this.reconcileAnn();
    log.info({ dir: this.dir, collections: this.collections.size, ms: Math.round(performance.now() - started) }, 'vector store opened');
  }

  private async loadCollection(name: string, seq: number): Promise<void> {
    const path = join(this.collectionsDir, name);
    const spec = JSON.parse(await readFile(join(path, 'meta.json'), 'utf8')) as CollectionSpec;
    const table = new VectorTable(spec.dimension);
    const segmentPath = join(path, 'segment.log');
    await SegmentLog.removeLeftovers(segmentPath);
    const saved = await this.readSavedAnn(name, path);
    // Frames from the saved index's position on were written after it: those ids are refolded.
    const changed = new Set<string>();
    const coveredFrames = saved?.meta.records ?? Infinity;
    let frame = 0;
    const { segment, droppedBytes, records } = await SegmentLog.open(segmentPath, spec.dimension, {
      upsert: (id, bytes, payload) => {
        table.putBytes(id, bytes, payload);
        if (frame++ >= coveredFrames) changed.add(id);
      },
      delete: (id) => {
        table.remove(id);
        if (frame++ >= coveredFrames) changed.add(id);
      },
    });
    if (droppedBytes > 0) log.warn({ collection: name, droppedBytes }, 'dropped a torn tail from the segment log');
    const collection: Collection = { name, dir: path, seq, spec: { dimension: spec.dimension, distance: spec.distance }, table, segment, writes: createSerialQueue(), dropped: false };
    if (saved !== undefined && records >= saved.meta.records) collection.savedAnn = { ...saved, changed };
    else if (saved !== undefined) {
      log.warn({ collection: name, covers: saved.meta.records, records }, 'saved approximate index covers more of the log than survived; rebuilding it');
      await removeAnnFile(path);
    }
    this.collections.set(name, collection);
    await this.compactIfWasteful(collection);
  }

  /** The collection's saved index file, or undefined (a corrupt one is reported and removed). */
  private async readSavedAnn(name: string, path: string): Promise<{ meta: AnnFileMeta; path: string } | undefined> {
    try {
      return await readAnnFile(path);
    } catch (error) {
      log.warn({ collection: name, err: error }, 'saved approximate index is unreadable; rebuilding it');
      await removeAnnFile(path);
      return undefined;
    }
  }

  async createCollection(name: string, spec: CollectionSpec): Promise<void> {
    this.assertOpen();
    assertName(name, 'name');
    assertSpec(spec);
    await this.catalog.run(async () => {
      if (this.collections.has(name)) throw new VectorStoreError(`name: collection ${name} already exists`, 'conflict', 'name');
      if (Object.hasOwn(this.aliases, name)) throw new VectorStoreError(`name: ${name} is already an alias`, 'conflict', 'name');
      const finalPath = join(this.collectionsDir, name);
      const tmpPath = join(this.collectionsDir, `.tmp-${name}-${randomBytes(4).toString('hex')}`);
      await mkdir(tmpPath);
      const clean: CollectionSpec = { dimension: spec.dimension, distance: spec.distance };
      await writeFileAtomic(join(tmpPath, 'meta.json'), JSON.stringify({ ...clean, createdAt: Date.now() }), { fsync: true });
      await rename(tmpPath, finalPath);
      await syncDirectory(this.collectionsDir);
      const table = new VectorTable(spec.dimension);
      const { segment } = await SegmentLog.open(join(finalPath, 'segment.log'), spec.dimension, { upsert() {}, delete() {} });
      this.collections.set(name, { name, dir: finalPath, seq: ++this.newestSeq, spec: clean, table, segment, writes: createSerialQueue(), dropped: false });
      this.reconcileAnn();
    });
  }

  async dropCollection(name: string): Promise<void> {
    this.assertOpen();
    assertName(name, 'name');
    await this.catalog.run(async () => {
      const collection = this.collections.get(name);
      if (collection === undefined) return;
      this.collections.delete(name);
      collection.dropped = true;
      this.stopAnn(collection);
      const remaining = Object.fromEntries(Object.entries(this.aliases).filter(([, target]) => target !== name));
      if (Object.keys(remaining).length !== Object.keys(this.aliases).length) {
        await writeAliasFile(this.aliasPath, remaining);
        this.aliases = remaining;
      }
      await collection.writes.run(() => collection.segment.close());
      const trash = join(this.collectionsDir, `.trash-${name}-${randomBytes(4).toString('hex')}`);
      await rename(join(this.collectionsDir, name), trash);
      await syncDirectory(this.collectionsDir);
      await rm(trash, { recursive: true, force: true });
    });
  }

  async listCollections(): Promise<CollectionInfo[]> {
    this.assertOpen();
    return [...this.collections.values()]
      .map((c) => ({ name: c.name, dimension: c.spec.dimension, distance: c.spec.distance, count: c.table.size }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async upsert(collectionName: string, points: VectorPoint[]): Promise<void> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    assertPoints(points, collection.spec.dimension);
    if (points.length === 0) return;
    const prepared = points.map((p) => ({ id: p.id, vector: prepareVector(p.vector, collection.spec.distance === 'cosine'), payload: normalisePayload(p.payload) }));
    const frames = Buffer.concat(prepared.map((p) => encodeUpsert(p.id, p.vector, p.payload)));
    await this.write(collection, frames, prepared.length, () => {
      for (const p of prepared) collection.table.put(p.id, p.vector, p.payload);
      this.trackAnn(collection, prepared.map((p) => p.id));
    });
  }

  async delete(collectionName: string, ids: string[]): Promise<void> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    assertIds(ids);
    const present = [...new Set(ids)].filter((id) => collection.table.slotOf(id) !== undefined);
    if (present.length === 0) return;
    const frames = Buffer.concat(present.map(encodeDelete));
    await this.write(collection, frames, present.length, () => {
      for (const id of present) collection.table.remove(id);
      this.trackAnn(collection, present);
    });
  }

  /** Appends durably, then applies to memory, so readers only ever see what is on disk. */
  private async write(collection: Collection, frames: Buffer, frameCount: number, apply: () => void): Promise<void> {
    await collection.writes.run(async () => {
      if (collection.dropped) throw new VectorStoreError(`collection: ${collection.name} was dropped`, 'not_found', 'collection');
      await collection.segment.append(frames, frameCount);
      apply();
      await this.compactIfWasteful(collection);
    });
  }

  private async compactIfWasteful(collection: Collection): Promise<void> {
    const { table, segment } = collection;
    const dead = segment.records - table.size;
    if (dead < this.compactAfterDeadRecords || dead <= table.size) return;
    const started = performance.now();
    // The rewrite renumbers the frames a saved index file counts in.
    await removeAnnFile(collection.dir);
    collection.savedAnn = undefined;
    if (collection.ann !== undefined) collection.ann.savedRecords = -1;
    if (collection.ann?.builtFile !== undefined) this.discardBuiltFile(collection.ann);
    await segment.rewrite(liveFrames(table));
    log.info({ collection: collection.name, live: table.size, dropped: dead, ms: Math.round(performance.now() - started) }, 'compacted segment log');
    // As many points were replaced or deleted as remain: the graph is mostly removed nodes now.
    if (collection.ann !== undefined || collection.annBuild !== undefined) this.buildAnn(collection);
  }

  /** Starts an index once a collection that wants one is large enough, or queues `ids` into it. */
  private trackAnn(collection: Collection, ids: Iterable<string>): void {
    if (collection.annBuild !== undefined) {
      collection.annBuild.thread.sync(ids);
      return;
    }
    if (collection.ann === undefined) {
      if (collection.savedAnn !== undefined) for (const id of ids) collection.savedAnn.changed.add(id);
      if (this.wantsAnn(collection)) this.startAnn(collection);
      return;
    }
    collection.ann.index.touch(ids);
    collection.ann.job.kick();
  }

  /** Live collections and the one being filled for the next version get an index; no others. */
  private wantsAnn(collection: Collection): boolean {
    return collection.seq === this.newestSeq || this.isAliased(collection);
  }

  private isAliased(collection: Collection): boolean {
    for (const target of Object.values(this.aliases)) if (target === collection.name) return true;
    return false;
  }

  /** Cancels indexes of superseded collections and starts those of live or upcoming ones. */
  private reconcileAnn(): void {
    for (const collection of this.collections.values()) {
      const wanted = this.wantsAnn(collection);
      const indexing = collection.ann !== undefined || collection.annBuild !== undefined;
      if (!wanted && indexing) {
        const { indexed, pending } = this.annStatusOf(collection);
        log.info({ collection: collection.name, indexed, pending }, 'stopped indexing a superseded collection');
        this.stopAnn(collection);
      } else if (wanted && !indexing) {
        this.startAnn(collection);
      } else if (collection.ann?.recall !== undefined && collection.ann.index.current) {
        // Filled before an alias named it: its first save is due now.
        this.scheduleAnnSave(collection, collection.ann);
      }
    }
  }

  /** Cancels the collection's index: its upkeep, its pending save and any build in its thread. */
  private stopAnn(collection: Collection): void {
    const { ann, annBuild } = collection;
    collection.ann = undefined;
    collection.annBuild = undefined;
    if (ann !== undefined) {
      ann.job.stop();
      clearTimeout(ann.saveTimer);
      this.discardBuiltFile(ann);
    }
    void annBuild?.thread.stop();
  }

  private discardBuiltFile(ann: CollectionAnn): void {
    if (ann.builtFile === undefined) return;
    void rm(ann.builtFile.path, { force: true }).catch(() => undefined);
    ann.builtFile = undefined;
  }

  /** Loads the collection's saved index when it has a usable one, else builds one, once it is large enough. */
  private startAnn(collection: Collection): void {
    const { table } = collection;
    if (table.size < this.ann.threshold || table.size === 0 || collection.annRejected !== undefined) return;
    const saved = collection.savedAnn;
    collection.savedAnn = undefined;
    if (saved !== undefined && saved.meta.connectivity === this.ann.connectivity && saved.meta.recall >= this.ann.minRecall) {
      try {
        const started = performance.now();
        const index = AnnIndex.load(table, collection.spec.distance, this.ann, saved.path, saved.meta.keys);
        index.touch(saved.changed);
        this.runAnn(collection, index, 'file', saved.meta.recall, saved.changed.size === 0 ? saved.meta.records : -1);
        log.info({ collection: collection.name, points: index.indexed, changedSince: saved.changed.size, ms: Math.round(performance.now() - started) }, 'loaded saved approximate index');
        return;
      } catch (error) {
        log.warn({ collection: collection.name, err: error }, 'saved approximate index does not match the collection; rebuilding it');
      }
    }
    this.buildAnn(collection);
  }

  /**
   * Replaces the collection's index by a build of every point in a thread of its own; the store
   * takes the finished graph over when an alias is about to name the collection (`finishIndex`),
   * when asked to (`annIdle`), or, for a collection an alias already names, once the thread has
   * caught up with its writes.
   */
  private buildAnn(collection: Collection): void {
    this.stopAnn(collection);
    const { table, spec } = collection;
    const build: ThreadAnnBuild = {
      started: performance.now(),
      thread: startAnnBuildThread(table, { dimension: spec.dimension, distance: spec.distance, config: annIndexConfig(this.ann), auditSamples: AUDIT_SAMPLES, nice: this.ann.buildNice }),
    };
    collection.annBuild = build;
    build.thread.snapshot();
    build.thread.onProgress(({ pending }) => {
      if (pending !== 0 || !this.isAliased(collection)) return;
      this.takeOverBuild(collection, build).catch((error) => log.error({ collection: collection.name, err: error }, 'could not take the built approximate index over'));
    });
    build.thread.onFailure((error) => {
      // A failure while the store takes the graph over is handled there.
      if (collection.annBuild !== build || build.handOver !== undefined) return;
      log.error({ collection: collection.name, err: error }, 'approximate indexing failed; the collection keeps to exact search');
      this.stopAnn(collection);
      collection.annRejected = {};
    });
    log.info({ collection: collection.name, points: table.size }, 'building approximate index in its own thread');
  }

  /**
   * Has the build thread complete its graph and loads it as the collection's index, while no
   * write can land (so the graph holds exactly the table's points). Loading is the one part that
   * holds the event loop (about 50 ms for 70 000 points); a graph whose audited recall falls short
   * is not loaded at all. The file is kept to become the saved index once an alias names the
   * collection.
   */
  private takeOverBuild(collection: Collection, build: ThreadAnnBuild): Promise<void> {
    build.handOver ??= collection.writes.run(async () => {
      if (collection.annBuild !== build) return;
      const path = annGraphTempPath(collection.dir);
      const fields = { collection: collection.name };
      let finished;
      try {
        finished = await build.thread.finish(path);
      } catch (error) {
        if (collection.annBuild !== build) return;
        log.error({ ...fields, err: error }, 'approximate indexing failed; the collection keeps to exact search');
        this.stopAnn(collection);
        collection.annRejected = {};
        return;
      }
      const superseded = collection.annBuild !== build;
      void build.thread.stop();
      if (superseded) return void rm(path, { force: true }).catch(() => undefined);
      collection.annBuild = undefined;
      const audited = { ...fields, points: finished.indexed, recall: Number(finished.recall.toFixed(4)), ms: Math.round(performance.now() - build.started) };
      if (finished.recall < this.ann.minRecall) {
        log.warn({ ...audited, minRecall: this.ann.minRecall }, 'approximate index recall too low; the collection keeps to exact search');
        collection.annRejected = { recall: finished.recall };
        await rm(path, { force: true });
        return;
      }
      let index: AnnIndex;
      try {
        index = AnnIndex.load(collection.table, collection.spec.distance, this.ann, path, finished.keys);
      } catch (error) {
        log.error({ ...fields, err: error }, 'could not load the built approximate index; the collection keeps to exact search');
        collection.annRejected = {};
        await rm(path, { force: true });
        return;
      }
      this.runAnn(collection, index, 'built', finished.recall);
      collection.ann!.builtFile = { path, keys: finished.keys, records: collection.segment.records };
      log.info(audited, 'approximate index ready');
    });
    return build.handOver;
  }

  /** Folds pending points into `index` in the background, audits a fresh build, then saves it. */
  private runAnn(collection: Collection, index: AnnIndex, origin: 'built' | 'file', recall?: number, savedRecords = -1): void {
    const started = performance.now();
    const audit = new RecallAudit(collection.table, collection.spec.distance, index, AUDIT_SAMPLES);
    const reject = (recall?: number) => {
      if (collection.ann?.index === index) collection.ann = undefined;
      collection.annRejected = { recall };
    };
    const ann: CollectionAnn = {
      index,
      origin,
      served: 0,
      savedRecords,
      ...(recall === undefined ? {} : { recall }),
      job: createSlicedJob(
        () => {
          if (!index.indexPending(this.ann.sliceMs)) return false;
          if (ann.recall !== undefined) {
            this.scheduleAnnSave(collection, ann);
            return true;
          }
          if (!audit.step(AUDIT_QUERIES_PER_TURN)) return false;
          const fields = { collection: collection.name, points: index.indexed, recall: Number(audit.recall.toFixed(4)), ms: Math.round(performance.now() - started) };
          if (audit.recall < this.ann.minRecall) {
            log.warn({ ...fields, minRecall: this.ann.minRecall }, 'approximate index recall too low; the collection keeps to exact search');
            reject(audit.recall);
          } else {
            ann.recall = audit.recall;
            log.info(fields, 'approximate index ready');
            this.scheduleAnnSave(collection, ann);
          }
          return true;
        },
        (error) => {
          log.error({ collection: collection.name, err: error }, 'approximate indexing failed; the collection keeps to exact search');
          reject();
        },
        // Indexing a collection nobody searches yet takes only a share of the loop: searches of the live one come first.
        () => (this.isAliased(collection) ? 1 : collection.annUrgent === true ? this.ann.finishingShare : this.ann.fillingShare),
      ),
    };
    collection.ann = ann;
    ann.job.kick();
  }

  /**
   * Saves a caught-up index that the file no longer matches, at most once per
   * `annSaveEverySeconds`, once an alias names its collection: a collection still being filled
   * is not served yet, and a publication that does not finish leaves it behind, so its partial
   * graphs would be written (and the event loop held while usearch writes them) for nothing.
   */
  private scheduleAnnSave(collection: Collection, ann: CollectionAnn): void {
    if (ann.saveTimer !== undefined || ann.savedRecords === collection.segment.records || !this.isAliased(collection)) return;
    const wait = Math.max(0, (collection.annSavedAt ?? -Infinity) + this.ann.saveEveryMs - Date.now());
    ann.saveTimer = setTimeout(() => {
      ann.saveTimer = undefined;
      if (collection.ann !== ann || this.closed) return;
      this.saveAnn(collection, ann).catch((error) => log.warn({ collection: collection.name, err: error }, 'could not save the approximate index'));
    }, wait);
    ann.saveTimer.unref();
  }

  /** Writes the index file while no write can land, so it covers exactly the log's frames so far. */
  private async saveAnn(collection: Collection, ann: CollectionAnn): Promise<void> {
    await collection.writes.run(async () => {
      if (collection.dropped || collection.ann !== ann || ann.recall === undefined) return;
      const covers = { recall: ann.recall, connectivity: this.ann.connectivity };
      const built = ann.builtFile;
      if (built !== undefined) {
        // The graph the build thread wrote is already on disk: it only needs committing.
        ann.builtFile = undefined;
        const started = performance.now();
        const bytes = await commitAnnFile(collection.dir, built.path, built.keys, { ...covers, records: built.records });
        ann.savedRecords = built.records;
        collection.annSavedAt = Date.now();
        log.info({ collection: collection.name, points: built.keys.length, records: built.records, bytes, ms: Math.round(performance.now() - started) }, 'saved approximate index');
        return;
      }
      if (!ann.index.current) return;
      const records = collection.segment.records;
      if (ann.savedRecords === records) return;
      const started = performance.now();
      const bytes = await saveAnnFile(collection.dir, ann.index, { ...covers, records });
      ann.savedRecords = records;
      collection.annSavedAt = Date.now();
      log.info({ collection: collection.name, points: ann.index.indexed, records, bytes, ms: Math.round(performance.now() - started) }, 'saved approximate index');
    });
  }

  async search(collectionName: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]> {
    this.assertOpen();
    // Everything below is synchronous: an alias switch cannot land halfway through a query.
    const collection = this.resolve(collectionName);
    assertVector(vector, collection.spec.dimension, 'vector');
    assertSearchOptions(options);
    return this.searchPrepared(collection, prepareVector(vector, collection.spec.distance === 'cosine'), options);
  }

  async searchBatch(collectionName: string, queries: BatchSearchQuery[]): Promise<SearchHit[][]> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    assertBatch(queries);
    queries.forEach((q, i) => assertVector(q.vector, collection.spec.dimension, `queries[${i}].vector`));
    const unit = collection.spec.distance === 'cosine';
    return queries.map((q) => this.searchPrepared(collection, prepareVector(q.vector, unit), q));
  }

  async recommend(collectionName: string, query: RecommendQuery): Promise<SearchHit[]> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    assertRecommend(query);
    const { table, spec } = collection;
    const slotsOf = (ids: string[], side: 'positive' | 'negative') =>
      ids.map((id, i) => {
        const slot = table.slotOf(id);
        if (slot === undefined) throw new VectorStoreError(`${side}[${i}]: no item ${id} in collection ${collection.name}`, 'not_found', `${side}[${i}]`);
        return slot;
      });
    const positive = slotsOf(query.positive, 'positive');
    const negative = slotsOf(query.negative ?? [], 'negative');
    const target = averageVectorQuery(table, positive, negative);
    return this.searchPrepared(collection, prepareVector(target, spec.distance === 'cosine'), query, new Set([...positive, ...negative]));
  }

  /** Top hits for a prepared query, after `offset`, above `scoreThreshold`, leaving `exclude`d rows out. */
  private searchPrepared(collection: Collection, query: Float32Array, options: SearchOptions, exclude?: ReadonlySet<number>): SearchHit[] {
    const { table, spec } = collection;
    const offset = options.offset ?? 0;
    const wanted = options.k + offset;
    const found = this.approximateSearch(collection, query, wanted, options.filter, exclude) ?? exactSearch(table, query, spec.distance, wanted, options.filter, exclude);
    const threshold = options.scoreThreshold ?? -Infinity;
    return found
      .slice(offset, wanted)
      .filter((hit) => hit.score > threshold)
      .map(({ slot, score }) => ({ id: table.ids[slot], score, payload: normalisePayload(table.payloads[slot]) }));
  }

  /** The index's answer, or undefined when the exact scan must answer instead. */
  private approximateSearch(collection: Collection, query: Float32Array, k: number, filter: SearchFilter | undefined, exclude?: ReadonlySet<number>): ScoredSlot[] | undefined {
    const { ann, table } = collection;
    if (ann === undefined || ann.recall === undefined || !ann.index.current || hasConditions(filter)) return undefined;
    const skipped = exclude?.size ?? 0;
    const hits = ann.index.search(query, k + skipped).filter((hit) => !exclude?.has(hit.slot));
    // A graph search can come back short (a node cut off by removals): the scan is never short.
    if (hits.length < Math.min(k, table.size - skipped)) return undefined;
    ann.served++;
    return hits.slice(0, k);
  }

  async get(collectionName: string, id: string): Promise<VectorPoint | undefined> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    const slot = collection.table.slotOf(id);
    if (slot === undefined) return undefined;
    return { id, vector: collection.table.vectorAt(slot), payload: normalisePayload(collection.table.payloads[slot]) };
  }

  async scroll(collectionName: string, options: ScrollOptions): Promise<ScrollPage> {
    this.assertOpen();
    assertScrollOptions(options);
    const { table } = this.resolve(collectionName);
    const accept = slotPredicate(table, options.filter);
    // Slots move when points are removed, so pages follow id order: a cursor is the last id served.
    const ids = table.ids.filter((id) => (options.cursor === undefined || id > options.cursor) && (accept === undefined || accept(table.slotOf(id)!)));
    ids.sort();
    const page = ids.slice(0, options.limit);
    return {
      points: page.map((id) => ({ id, payload: normalisePayload(table.payloads[table.slotOf(id)!]) })),
      ...(ids.length > page.length ? { next: page.at(-1) } : {}),
    };
  }

  annStatus(collectionName: string): AnnStatus {
    this.assertOpen();
    return this.annStatusOf(this.resolve(collectionName));
  }

  private annStatusOf({ ann, annBuild, annRejected }: Collection): AnnStatus {
    if (annBuild !== undefined) return { state: 'building', ...annBuild.thread.progress, served: 0, origin: 'built' };
    if (annRejected !== undefined) return { state: 'rejected', indexed: 0, pending: 0, served: 0, ...(annRejected.recall === undefined ? {} : { recall: annRejected.recall }) };
    if (ann === undefined) return { state: 'off', indexed: 0, pending: 0, served: 0 };
    const ready = ann.recall !== undefined && ann.index.current;
    return { state: ready ? 'ready' : 'building', indexed: ann.index.indexed, pending: ann.index.backlog, served: ann.served, origin: ann.origin, ...(ann.recall === undefined ? {} : { recall: ann.recall }) };
  }

  indexStatus(collectionName: string): AnnStatus {
    return this.annStatus(collectionName);
  }

  async annIdle(collectionName: string): Promise<void> {
    this.assertOpen();
    const collection = this.resolve(collectionName);
    if (collection.annBuild !== undefined) await this.takeOverBuild(collection, collection.annBuild);
    await collection.ann?.job.idle();
  }

  async setAlias(alias: string, collection: string): Promise<void> {
    this.assertOpen();
    assertName(alias, 'alias');
    assertName(collection, 'collection');
    await this.finishIndex(collection);
    await this.catalog.run(async () => {
      if (!this.collections.has(collection)) throw new VectorStoreError(`collection: ${collection} does not exist`, 'not_found', 'collection');
      if (this.collections.has(alias)) throw new VectorStoreError(`alias: ${alias} is a collection name`, 'conflict', 'alias');
      const next = { ...this.aliases, [alias]: collection };
      await writeAliasFile(this.aliasPath, next);
      this.aliases = next;
      this.reconcileAnn();
    });
  }

  /**
   * Lets the collection's index (built at a share of the loop while it was being filled) catch up,
   * at `annFinishingShare` of the loop, so that the alias moves onto a collection searches can use
   * it on at once rather than one they would scan exactly until it has.
   */
  private async finishIndex(name: string): Promise<void> {
    const collection = this.collections.get(name);
    if (collection?.annBuild !== undefined) await this.takeOverBuild(collection, collection.annBuild);
    const ann = collection?.ann;
    if (collection === undefined || ann === undefined || (ann.index.current && ann.recall !== undefined)) return;
    const started = performance.now();
    collection.annUrgent = true;
    try {
      ann.job.kick();
      ann.job.hurry();
      await ann.job.idle();
    } finally {
      collection.annUrgent = false;
    }
    log.info({ collection: name, points: ann.index.indexed, ms: Math.round(performance.now() - started) }, 'finished the approximate index before moving an alias onto it');
  }

  async resolveAlias(alias: string): Promise<string | undefined> {
    this.assertOpen();
    return Object.hasOwn(this.aliases, alias) ? this.aliases[alias] : undefined;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    if (this.closed) return { ok: false, detail: 'closed' };
    try {
      await access(this.collectionsDir);
      return { ok: true, detail: `${this.collections.size} collections in ${this.dir}` };
    } catch (error) {
      return { ok: false, detail: `data directory unreadable: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.catalog.idle();
    for (const collection of this.collections.values()) {
      const { ann, annBuild } = collection;
      // A build still in its thread is given up: the next open builds again.
      collection.annBuild = undefined;
      void annBuild?.thread.stop();
      ann?.job.stop();
      clearTimeout(ann?.saveTimer);
      if (ann !== undefined && ann.recall !== undefined && ann.index.backlog <= CLOSE_FOLD_LIMIT) {
        // A short backlog is cheaper to fold now than to find and refold after the restart.
        while (!ann.index.indexPending(50));
        try {
          // A graph the build thread wrote is committed first; a save of the graph as it is now follows if writes came after it.
          if (ann.builtFile !== undefined) await this.saveAnn(collection, ann);
          await this.saveAnn(collection, ann);
        } catch (error) {
          log.warn({ collection: collection.name, err: error }, 'could not save the approximate index');
        }
      } else if (ann !== undefined) this.discardBuiltFile(ann);
      await collection.writes.run(() => collection.segment.close());
    }
    this.collections.clear();
  }

  private resolve(name: string): Collection {
    if (typeof name !== 'string') throw new VectorStoreError('collection: must be a string', 'invalid_argument', 'collection');
    const target = Object.hasOwn(this.aliases, name) ? this.aliases[name] : undefined;
    const collection = this.collections.get(name) ?? (target === undefined ? undefined : this.collections.get(target));
    if (collection === undefined) throw new VectorStoreError(`collection: no collection or alias named ${name}`, 'not_found', 'collection');
    return collection;
  }

  private assertOpen(): void {
    if (this.closed) throw new VectorStoreError('vector store is closed', 'unavailable');
  }
}

/** The index's own knobs, without the store's, to hand to a build thread. */
function annIndexConfig({ connectivity, expansionAdd, expansionSearch, threads }: AnnSettings): AnnIndexConfig {
  return { connectivity, expansionAdd, expansionSearch, threads };
}

function* liveFrames(table: VectorTable): Iterable<Buffer> {
  const d = table.dimension;
  for (let slot = 0; slot < table.size; slot++) {
    yield encodeUpsert(table.ids[slot], table.vectors.subarray(slot * d, (slot + 1) * d), table.payloads[slot]);
  }
}

/**
 * Qdrant's `average_vector` recommendation query over stored rows: `2·mean(positive) − mean(negative)`,
 * or `mean(positive)` alone, summed in float64.
 */
function averageVectorQuery(table: VectorTable, positive: number[], negative: number[]): Float64Array {
  const d = table.dimension;
  const mean = (slots: number[]) => {
    const sum = new Float64Array(d);
    for (const slot of slots) for (let j = 0; j < d; j++) sum[j] += table.vectors[slot * d + j];
    return sum.map((x) => x / slots.length);
  };
  const pos = mean(positive);
  if (negative.length === 0) return pos;
  const neg = mean(negative);
  return pos.map((x, j) => 2 * x - neg[j]);
}

/** A float32 copy, scaled to unit length for cosine (a zero vector stays zero). */
function prepareVector(vector: ArrayLike<number>, unit: boolean): Float32Array {
  const out = Float32Array.from(vector);
  if (!unit) return out;
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] *= scale;
  }
  return out;
}
