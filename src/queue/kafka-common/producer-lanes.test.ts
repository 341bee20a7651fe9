import { describe, expect, it } from 'vitest';
import { ProducerLanes } from './producer-lanes';

describe('ProducerLanes', () => {
  it('keeps one producer per lane until it is discarded, and closes a discarded one only after its request settles', async () => {
    const closed: string[] = [];
    const lanes = new ProducerLanes<string>(2, async (p) => void closed.push(p));
    let made = 0;
    const make = () => `p${made++}`;
    expect(lanes.get(0, make)).toBe('p0');
    expect(lanes.get(0, make)).toBe('p0');
    expect(lanes.get(1, make)).toBe('p1');

    let settle!: () => void;
    lanes.discard(0, new Promise<void>((resolve) => (settle = resolve)));
    expect(lanes.get(0, make)).toBe('p2');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toEqual([]);
    settle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toEqual(['p0']);

    lanes.forget(1, 'other');
    expect(lanes.get(1, make)).toBe('p1');
    lanes.forget(1, 'p1');
    expect(lanes.get(1, make)).toBe('p3');

    await lanes.closeAll();
    expect(closed).toEqual(['p0', 'p2', 'p3']);
  });
});
