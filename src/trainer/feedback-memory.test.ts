import { describe, expect, it } from 'vitest';
import { FeedbackMemory } from './feedback-memory';

describe('FeedbackMemory', () => {
  it('stays within capacity and keeps a class that stopped receiving feedback', () => {
    const memory = new FeedbackMemory({ capacity: 40, classesPerBatch: 2, itemsPerClass: 2 });
    for (let i = 0; i < 10; i++) memory.rememberLabel(`quiet-${i}`, 'quiet', 1000 + i);
    // A busy class floods the memory long after the quiet one fell silent.
    for (let i = 0; i < 500; i++) memory.rememberLabel(`busy-${i}`, i % 2 ? 'busy-a' : 'busy-b', 10_000 + i);
    expect(memory.labelledCount).toBe(40);
    const sizes = memory.classSizes();
    expect(sizes.quiet).toBe(10);
    expect(sizes['busy-a'] + sizes['busy-b']).toBe(30);
    expect(memory.evicted).toBe(470);
    // Evicted busy items are the oldest ones.
    expect(memory.hasLabelled('busy-499')).toBe(true);
    expect(memory.hasLabelled('busy-0')).toBe(false);
  });

  it('moves an item to its new class and forgets deleted items with their constraints', () => {
    const memory = new FeedbackMemory({ capacity: 10, classesPerBatch: 2, itemsPerClass: 1 });
    memory.rememberLabel('x', 'a', 1);
    memory.rememberLabel('y', 'b', 2);
    memory.rememberLabel('x', 'b', 3);
    expect(memory.classSizes()).toEqual({ b: 2 });
    expect(memory.nextLabelledBatch()).toBeUndefined();
    memory.rememberLabel('z', 'c', 4);
    const batch = memory.nextLabelledBatch()!;
    expect(batch.ids).toHaveLength(2);
    expect(new Set(batch.labels).size).toBe(2);
    memory.rememberConstraint({ kind: 'pair', a: 'x', b: 'z', similar: false, weight: 1, at: 5 });
    memory.rememberConstraint({ kind: 'triplet', anchor: 'y', positive: 'x', negative: 'z', weight: 2, at: 6 });
    memory.rememberConstraint({ kind: 'pair', a: 'y', b: 'z', similar: true, weight: 1, at: 7 });
    memory.forgetItem('x');
    expect(memory.constraintCount).toBe(1);
    expect(memory.hasLabelled('x')).toBe(false);
  });

  it('bounds constraints, keeping the newest, and samples the newest half first', () => {
    const memory = new FeedbackMemory({ capacity: 100, classesPerBatch: 2, itemsPerClass: 1, seed: 3 });
    for (let i = 0; i < 250; i++) memory.rememberConstraint({ kind: 'pair', a: `a${i}`, b: `b${i}`, similar: true, weight: 1, at: i });
    expect(memory.constraintCount).toBe(100);
    const sample = memory.sampleConstraints(10);
    expect(sample).toHaveLength(10);
    const times = sample.map((c) => c.at);
    expect(times.slice(0, 5)).toEqual([249, 248, 247, 246, 245]);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(150);
    expect(new Set(times).size).toBe(10);
    // Older ones are rehearsed too (uniform over the memory, not only the newest).
    const old = Array.from({ length: 20 }, () => memory.sampleConstraints(10)).flat().filter((c) => c.at < 200);
    expect(old.length).toBeGreaterThan(0);
  });
});
