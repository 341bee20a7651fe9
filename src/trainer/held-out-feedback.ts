import type { CatalogState } from './catalog-state';
import { constraintKey } from './holdout';
import type { Constraint } from './feedback-memory';
import type { HeldOutSet } from './publisher';

/**
 * The feedback the holdout keeps away from training: labelled items and pair/triplet
 * constraints, each bounded by `capacity` (oldest dropped first). `snapshot()` turns it into the
 * rows every candidate version is scored on.
 *
 * @example
 * const held = new HeldOutFeedback(20_000);
 * held.rememberLabel('item-3', 'shoe');
 * const set = held.snapshot(catalog); // { inputs, labels, pairs, triplets }
 */
export class HeldOutFeedback {
  /** Item id → label; Map order is insertion order, so the first key is the oldest. */
  private readonly labels = new Map<string, string>();
  /** Constraint key → newest constraint with that key. */
  private readonly constraints = new Map<string, Constraint>();

  constructor(readonly capacity: number) {}

  get labelledCount(): number {
    return this.labels.size;
  }

  get constraintCount(): number {
    return this.constraints.size;
  }

  hasLabelled(id: string): boolean {
    return this.labels.has(id);
  }

  rememberLabel(id: string, label: string): void {
    this.labels.delete(id);
    this.labels.set(id, label);
    while (this.labels.size > this.capacity) this.labels.delete(this.labels.keys().next().value as string);
  }

  rememberConstraint(constraint: Constraint): void {
    const key = constraintKey(constraint);
    this.constraints.delete(key);
    this.constraints.set(key, constraint);
    while (this.constraints.size > this.capacity) this.constraints.delete(this.constraints.keys().next().value as string);
  }

  /** Drops an item's label (it was removed, or the trainer no longer trusts it). */
  forgetLabel(id: string): void {
    this.labels.delete(id);
  }

  /** Drops everything about a deleted item. */
  forgetItem(id: string): void {
    this.labels.delete(id);
    for (const [key, c] of this.constraints) if (mentions(c, id)) this.constraints.delete(key);
  }

  /**
   * The held-out rows as of now: the newest `maxItems` labelled items that have content first
   * (their labels numbered by sorted label), then the other items the newest `maxItems`
   * usable constraints name. Items without content yet are left out.
   */
  snapshot(catalog: CatalogState, maxItems = 5000): HeldOutSet {
    const rowOf = new Map<string, number>();
    const ids: string[] = [];
    const addRow = (id: string) => {
      let row = rowOf.get(id);
      if (row === undefined) {
        row = ids.length;
        ids.push(id);
        rowOf.set(id, row);
      }
      return row;
    };
    const labelled = [...this.labels].filter(([id]) => catalog.get(id)?.input !== undefined).slice(-maxItems);
    const names = [...new Set(labelled.map(([, label]) => label))].sort();
    const labelIndex = new Map(names.map((name, i) => [name, i]));
    const labels = Int32Array.from(labelled, ([id, label]) => (addRow(id), labelIndex.get(label)!));
    const hasInput = (id: string) => catalog.get(id)?.input !== undefined;
    const usable = [...this.constraints.values()]
      .filter((c) => (c.kind === 'pair' ? hasInput(c.a) && hasInput(c.b) : hasInput(c.anchor) && hasInput(c.positive) && hasInput(c.negative)))
      .slice(-maxItems);
    const pairs = usable.filter((c): c is Extract<Constraint, { kind: 'pair' }> => c.kind === 'pair');
    const triplets = usable.filter((c): c is Extract<Constraint, { kind: 'triplet' }> => c.kind === 'triplet');
    const pairRows = { a: Int32Array.from(pairs, (p) => addRow(p.a)), b: Int32Array.from(pairs, (p) => addRow(p.b)), similar: Uint8Array.from(pairs, (p) => (p.similar ? 1 : 0)) };
    const tripletRows = {
      anchor: Int32Array.from(triplets, (t) => addRow(t.anchor)),
      positive: Int32Array.from(triplets, (t) => addRow(t.positive)),
      negative: Int32Array.from(triplets, (t) => addRow(t.negative)),
    };
    const rowSize = catalog.inputSize;
    const inputs = new Float32Array(ids.length * rowSize);
    ids.forEach((id, i) => inputs.set(catalog.get(id)!.input!, i * rowSize));
    return { inputs, labels, pairs: pairRows, triplets: tripletRows };
  }
}

function mentions(c: Constraint, id: string): boolean {
  return c.kind === 'pair' ? c.a === id || c.b === id : c.anchor === id || c.positive === id || c.negative === id;
}
