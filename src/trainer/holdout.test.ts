import { describe, expect, it } from 'vitest';
import { CatalogState } from './catalog-state';
import { createHoldout } from './holdout';
import { HoldoutMemory } from './holdout-memory';

describe('holdout', () => {
  it('holds out the same ids on every run, about the configured fraction of them', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `item-${i}`);
    const first = ids.filter((id) => createHoldout({ fraction: 0.1 }).holdsItem(id));
    // A new holdout (as after a restart) decides the same way.
    const again = ids.filter((id) => createHoldout({ fraction: 0.1 }).holdsItem(id));
    expect(again).toEqual(first);
    expect(first.length / ids.length).toBeGreaterThan(0.09);
    expect(first.length / ids.length).toBeLessThan(0.11);
    // A larger fraction holds out a superset: raising it never moves trained-on items back.
    const wider = new Set(ids.filter((id) => createHoldout({ fraction: 0.2 }).holdsItem(id)));
    expect(first.every((id) => wider.has(id))).toBe(true);
    expect(ids.some((id) => createHoldout({ fraction: 0 }).holdsItem(id))).toBe(false);
  });

  it('decides a pair by its ids in either order, and rejects a fraction outside [0, 1)', () => {
    const holdout = createHoldout({ fraction: 0.5 });
    for (let i = 0; i < 200; i++) {
      const pair = { kind: 'pair' as const, a: `a${i}`, b: `b${i}`, similar: true, weight: 1, at: 0 };
      expect(holdout.holdsConstraint({ ...pair, a: pair.b, b: pair.a, similar: false })).toBe(holdout.holdsConstraint(pair));
    }
    const triplets = Array.from({ length: 2000 }, (_, i) => ({ kind: 'triplet' as const, anchor: `x${i}`, positive: `p${i}`, negative: `n${i}`, weight: 1, at: 0 }));
    const held = triplets.filter((t) => holdout.holdsConstraint(t)).length / triplets.length;
    expect(held).toBeGreaterThan(0.45);
    expect(held).toBeLessThan(0.55);
    expect(() => createHoldout({ fraction: 1 })).toThrow(/fraction/);
    expect(() => createHoldout({ fraction: -0.1 })).toThrow(/fraction/);
  });

  it('never trains on held-out feedback and snapshots it as rows to score', () => {
    const holdout = createHoldout({ fraction: 0.3 });
    const memory = new HoldoutMemory({ capacity: 1000, classesPerBatch: 3, itemsPerClass: 4, seed: 1 }, holdout);
    const catalog = new CatalogState({ features: 2 });
    const ids = Array.from({ length: 120 }, (_, i) => `i${i}`);
    ids.forEach((id, i) => {
      catalog.upsert({ id }, Float32Array.of(i, 1), 0);
      memory.rememberLabel(id, `c${i % 3}`, i);
    });
    for (let i = 0; i < 60; i++) memory.rememberConstraint({ kind: 'triplet', anchor: ids[i], positive: ids[i + 3], negative: ids[i + 1], weight: 1, at: i });
    const heldIds = ids.filter((id) => holdout.holdsItem(id));
    expect(heldIds.length).toBeGreaterThan(20);
    expect(memory.labelledCount + memory.heldOut.labelledCount).toBe(120);
    expect(memory.heldOut.labelledCount).toBe(heldIds.length);
    expect(memory.constraintCount + memory.heldOut.constraintCount).toBe(60);
    expect(memory.heldOut.constraintCount).toBeGreaterThan(5);
    for (let k = 0; k < 50; k++) {
      const batch = memory.nextLabelledBatch()!;
      expect(batch.ids.some((id) => holdout.holdsItem(id))).toBe(false);
    }
    expect(memory.sampleConstraints(100).some((c) => holdout.holdsConstraint(c))).toBe(false);
    const set = memory.heldOut.snapshot(catalog);
    expect(set.labels.length).toBe(heldIds.length);
    const rows = set.inputs.length / 2;
    expect(rows).toBeGreaterThanOrEqual(heldIds.length);
    expect(set.triplets!.anchor.length).toBe(memory.heldOut.constraintCount);
    [...set.triplets!.anchor, ...set.triplets!.negative].forEach((row) => expect(row).toBeLessThan(rows));
    // Deleting an item forgets its held-out label and the constraints that name it.
    memory.forgetItem(heldIds[0]);
    expect(memory.heldOut.hasLabelled(heldIds[0])).toBe(false);
  });
});
