import usearch, { type Index } from 'usearch';
import type { VectorDistance } from '../../core/vector-store';
import type { ScoredSlot } from './exact-search';
import { scoreFromUsearch, usearchMetric } from './usearch-metric';
import type { VectorTable } from './vector-table';

export interface AnnIndexConfig {
  /** Graph degree (HNSW `M`). */
  connectivity: number;
  /** Candidate list size while inserting (HNSW `efConstruction`). */
  expansionAdd: number;
  /** Candidate list size while searching (HNSW `ef`); raised to `k` when `k` is larger. */
  expansionSearch: number;
  /** Threads usearch inserts with. */
  threads: number;
}

const FIRST_BATCH = 64;
const MIN_BATCH = 16;
const MAX_BATCH = 8192;

/**
 * An approximate (HNSW) index over a `VectorTable`, derived from it (`save`/`load` keep a copy in
 * a file so a restart need not rebuild it). Points
 * are keyed by a number that stays with their id while the table moves rows around. Writes only
 * mark ids as pending; `indexPending` folds them in slice by slice, so the graph can lag the
 * table, and `current` says when it does not.
 *
 * @example
 * const ann = new AnnIndex(table, 'cosine', { connectivity: 16, expansionAdd: 64, expansionSearch: 128, threads: 2 });
 * ann.touch(table.ids);
 * while (!ann.indexPending(5)) await new Promise(setImmediate);
 * const hits = ann.search(unitQuery, 10); // [{ slot, score }], best first
 */
export class AnnIndex {
  private readonly graph: Index;
  private readonly keyOf = new Map<string, number>();
  private readonly idOfKey: (string | undefined)[] = [];
  private readonly pending = new Set<string>();
  private msPerPoint = 0;

  constructor(
    private readonly table: VectorTable,
    private readonly distance: VectorDistance,
    private readonly config: AnnIndexConfig,
  ) {
    this.graph = AnnIndex.emptyGraph(table.dimension, distance, config);
  }

  /**
   * An index over `table` read from a file `save` wrote, with the ids its keys stand for. The
   * caller must `touch` every id written since the save (and check the file's integrity first:
   * usearch trusts its input).
   *
   * @example
   * const ann = AnnIndex.load(table, 'cosine', config, '/data/ann.usearch', keys);
   */
  static load(table: VectorTable, distance: VectorDistance, config: AnnIndexConfig, path: string, keys: readonly (string | null)[]): AnnIndex {
    const index = new AnnIndex(table, distance, config);
    index.graph.load(path);
    keys.forEach((id, key) => {
      index.idOfKey.push(id ?? undefined);
      if (id !== null) index.keyOf.set(id, key);
    });
    if (index.graph.size() !== index.keyOf.size) {
      throw new Error(`index file holds ${index.graph.size()} points, its key list ${index.keyOf.size}`);
    }
    return index;
  }

  /**
   * Writes the graph to `path` (synchronously) and returns the ids its keys stand for, which
   * `load` needs back.
   */
  save(path: string): (string | null)[] {
    this.graph.save(path);
    return this.idOfKey.map((id) => id ?? null);
  }

  private static emptyGraph(dimension: number, distance: VectorDistance, config: AnnIndexConfig): Index {
    return new usearch.Index({
      dimensions: dimension,
      metric: usearchMetric(distance),
      quantization: usearch.ScalarKind.F32,
      connectivity: config.connectivity,
      expansion_add: config.expansionAdd,
      expansion_search: config.expansionSearch,
      multi: false,
    });
  }

  /** Points in the graph. */
  get indexed(): number {
    return this.keyOf.size;
  }

  /** Ids written or deleted since they were last indexed. */
  get backlog(): number {
    return this.pending.size;
  }

  /** True when the graph holds exactly the table's current points. */
  get current(): boolean {
    return this.pending.size === 0;
  }

  /** Marks ids whose vectors changed or that were deleted. */
  touch(ids: Iterable<string>): void {
    for (const id of ids) this.pending.add(id);
  }

  /**
   * Indexes one batch of pending ids, sized so the call takes about `budgetMs` (insertion blocks
   * the caller, and the caller is the event loop). Returns true when nothing is left pending.
   */
  indexPending(budgetMs: number): boolean {
    if (this.pending.size === 0) return true;
    const size = this.msPerPoint === 0 ? FIRST_BATCH : Math.round(budgetMs / this.msPerPoint);
    const batch = Math.min(this.pending.size, Math.max(MIN_BATCH, Math.min(MAX_BATCH, size)));
    const d = this.table.dimension;
    const stale: number[] = [];
    const keys: number[] = [];
    const vectors = new Float32Array(batch * d);
    let taken = 0;
    for (const id of this.pending) {
      if (taken++ === batch) break;
      this.pending.delete(id);
      const known = this.keyOf.get(id);
      // Only an id's newest vector belongs in the graph: drop the old one, then add it again.
      if (known !== undefined) stale.push(known);
      const slot = this.table.slotOf(id);
      if (slot === undefined) {
        if (known !== undefined) {
          this.keyOf.delete(id);
          this.idOfKey[known] = undefined;
        }
        continue;
      }
      const key = known ?? this.assignKey(id);
      vectors.set(this.table.vectors.subarray(slot * d, slot * d + d), keys.length * d);
      keys.push(key);
    }
    const started = performance.now();
    if (stale.length > 0) this.graph.remove(BigUint64Array.from(stale, BigInt));
    if (keys.length > 0) {
      const threads = Math.max(1, Math.min(this.config.threads, keys.length));
      this.graph.add(BigUint64Array.from(keys, BigInt), vectors.subarray(0, keys.length * d), threads);
      const perPoint = (performance.now() - started) / keys.length;
      this.msPerPoint = this.msPerPoint === 0 ? perPoint : 0.7 * this.msPerPoint + 0.3 * perPoint;
    }
    return this.pending.size === 0;
  }

  /**
   * The `k` approximate nearest points as table rows, best first. Only meaningful while
   * `current`: pending ids may be missing or stale in the graph.
   */
  search(query: Float32Array, k: number): ScoredSlot[] {
    const matches = this.graph.search(query, k, 1);
    const hits: ScoredSlot[] = [];
    for (let i = 0; i < matches.keys.length; i++) {
      const id = this.idOfKey[Number(matches.keys[i])];
      const slot = id === undefined ? undefined : this.table.slotOf(id);
      if (slot !== undefined) hits.push({ slot, score: scoreFromUsearch(this.distance, matches.distances[i]) });
    }
    return hits.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  private assignKey(id: string): number {
    const key = this.idOfKey.length;
    this.idOfKey.push(id);
    this.keyOf.set(id, key);
    return key;
  }
}
