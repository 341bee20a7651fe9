/**
 * Keeps the `k` highest scores seen so far in a binary min-heap (the weakest kept score sits at
 * the root, so a candidate is rejected with one comparison).
 *
 * @example
 * const top = new TopK(2);
 * top.offer(0.1, 0); top.offer(0.9, 1); top.offer(0.5, 2);
 * top.sorted(); // [{ score: 0.9, slot: 1 }, { score: 0.5, slot: 2 }]
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.slots = new Int32Array(k);
  }

  /** The score a candidate must beat once the heap is full. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }

  offer(score: number, slot: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.scores[i] = this.scores[parent];
        this.slots[i] = this.slots[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.slots[i] = slot;
    } else if (score > this.scores[0]) {
      this.siftDown(score, slot);
    }
  }

  /** Best first. */
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ score: this.scores[i], slot: this.slots[i] });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  private siftDown(score: number, slot: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.scores[i] = this.scores[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }
}
