import type { VectorDistance } from '../../core/vector-store';
import type { AnnIndex } from './ann-index';
import { exactSearch } from './exact-search';
import type { VectorTable } from './vector-table';

const K = 10;

/**
 * Estimates an index's recall@10 against the exact scan by querying with stored points, a few
 * per `step` so the exact scans do not hold the event loop for long. Graphs are only as good as
 * the data's structure: on embeddings without clusters (an untrained encoder, uniform noise)
 * HNSW misses many true neighbours at any affordable `ef`, and the audit is how the store finds
 * out.
 *
 * @example
 * const audit = new RecallAudit(table, 'cosine', index, 32);
 * while (!audit.step(4)) await new Promise(setImmediate);
 * audit.recall; // 0.99
 */
export class RecallAudit {
  private readonly slots: number[];
  private next = 0;
  private found = 0;
  private asked = 0;

  constructor(
    private readonly table: VectorTable,
    private readonly distance: VectorDistance,
    private readonly index: AnnIndex,
    samples: number,
  ) {
    const count = Math.min(samples, table.size);
    // Evenly spread rows: insertion order often follows the catalogue's own order (by class).
    this.slots = Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * table.size) / count));
  }

  /** Runs up to `queries` more sample queries; returns true once all have run. */
  step(queries: number): boolean {
    const k = Math.min(K, this.table.size);
    for (let n = 0; n < queries && this.next < this.slots.length; n++, this.next++) {
      // Deletes during the audit shrink the table; a row past the end is simply skipped.
      if (this.slots[this.next] >= this.table.size) continue;
      this.asked++;
      const query = this.table.vectorAt(this.slots[this.next]);
      const truth = new Set(exactSearch(this.table, query, this.distance, k).map((h) => h.slot));
      for (const hit of this.index.search(query, k)) if (truth.has(hit.slot)) this.found++;
    }
    return this.next >= this.slots.length;
  }

  /** Fraction of true top-10 neighbours the index returned (1 when there was nothing to ask). */
  get recall(): number {
    const wanted = this.asked * Math.min(K, this.table.size);
    return wanted === 0 ? 1 : this.found / wanted;
  }
}
