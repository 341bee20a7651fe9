import type { VectorPayload } from '../../core/vector-store';

/**
 * A collection's points in memory: all vectors in one contiguous Float32Array (row `slot`
 * holds point `ids[slot]`), grown geometrically. Removal moves the last row into the hole, so
 * rows `0..size-1` are always live and a scan never skips tombstones.
 *
 * @example
 * const table = new VectorTable(2);
 * table.put('a', new Float32Array([1, 0]), { label: 'x' });
 * table.remove('a');
 */
export class VectorTable {
  vectors: Float32Array;
  readonly ids: string[] = [];
  readonly labels: (string | undefined)[] = [];
  readonly payloads: VectorPayload[] = [];
  private readonly slots = new Map<string, number>();
  size = 0;

  constructor(
    readonly dimension: number,
    initialCapacity = 1024,
  ) {
    this.vectors = new Float32Array(Math.max(1, initialCapacity) * dimension);
  }

  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  /** Inserts or overwrites; returns the row written so the caller can fill its vector. */
  put(id: string, vector: ArrayLike<number>, payload: VectorPayload): number {
    const slot = this.reserve(id, payload);
    this.vectors.set(vector, slot * this.dimension);
    return slot;
  }

  /** Like `put`, from raw little-endian float32 bytes (the on-disk form). */
  putBytes(id: string, bytes: Uint8Array, payload: VectorPayload): number {
    const slot = this.reserve(id, payload);
    new Uint8Array(this.vectors.buffer, slot * this.dimension * 4, this.dimension * 4).set(bytes);
    return slot;
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.size - 1;
    if (slot !== last) {
      const d = this.dimension;
      this.vectors.copyWithin(slot * d, last * d, last * d + d);
      this.ids[slot] = this.ids[last];
      this.labels[slot] = this.labels[last];
      this.payloads[slot] = this.payloads[last];
      this.slots.set(this.ids[slot], slot);
    }
    this.ids.pop();
    this.labels.pop();
    this.payloads.pop();
    this.slots.delete(id);
    this.size = last;
    return true;
  }

  /** A copy of one row. */
  vectorAt(slot: number): Float32Array {
    return this.vectors.slice(slot * this.dimension, (slot + 1) * this.dimension);
  }

  private reserve(id: string, payload: VectorPayload): number {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.size++;
      if (this.size * this.dimension > this.vectors.length) this.grow();
      this.ids.push(id);
      this.labels.push(payload.label);
      this.payloads.push(payload);
      this.slots.set(id, slot);
    } else {
      this.labels[slot] = payload.label;
      this.payloads[slot] = payload;
    }
    return slot;
  }

  private grow(): void {
    const next = new Float32Array(Math.max(this.vectors.length * 2, this.size * this.dimension));
    next.set(this.vectors);
    this.vectors = next;
  }
}
