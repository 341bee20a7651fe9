import { describe, expect, it } from 'vitest';
import { ReplayTracker } from './replay-tracker';

const at = (topic: 'items' | 'feedback', partition: number, offset: number) => ({ topic, partition, offset: String(offset) });

describe('ReplayTracker', () => {
  it('tells replayed records from new ones, and catches up once every checkpointed partition is re-read', () => {
    const tracker = new ReplayTracker([
      { topic: 'items', partition: 0, offset: '3' },
      { topic: 'feedback', partition: 0, offset: '1' },
    ]);
    expect(tracker.replayFrom(['items', 'feedback'], 2).map((o) => `${o.topic}/${o.partition}@${o.offset}`).sort()).toEqual([
      'feedback/0@0',
      'feedback/1@0',
      'items/0@0',
      'items/1@0',
    ]);
    expect(tracker.isNew(at('items', 0, 2))).toBe(false);
    expect(tracker.isNew(at('items', 0, 3))).toBe(true);
    expect(tracker.isNew(at('items', 1, 0))).toBe(true);
    for (let o = 0; o < 3; o++) tracker.advance(at('items', 0, o));
    expect(tracker.caughtUp()).toBe(false);
    tracker.advance(at('feedback', 0, 0));
    expect(tracker.caughtUp()).toBe(true);
    expect(tracker.hasUncheckpointed()).toBe(false);
  });

  it('checkpoints the furthest of what was checkpointed and what was applied', () => {
    const tracker = new ReplayTracker([{ topic: 'items', partition: 0, offset: '5' }]);
    tracker.advance(at('items', 0, 0));
    tracker.advance(at('feedback', 1, 7));
    expect(tracker.hasUncheckpointed()).toBe(true);
    const offsets = tracker.offsetsToCheckpoint();
    expect(offsets).toEqual([
      { topic: 'items', partition: 0, offset: '5' },
      { topic: 'feedback', partition: 1, offset: '8' },
    ]);
    tracker.checkpointedAt(offsets);
    expect(tracker.hasUncheckpointed()).toBe(false);
    expect(tracker.isNew(at('feedback', 1, 7))).toBe(false);
  });
});
