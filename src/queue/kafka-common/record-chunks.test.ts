import { describe, expect, it } from 'vitest';
import { recordChunks } from './record-chunks';

const record = (key: string, bytes: number) => ({ key, value: 'x'.repeat(bytes) });

describe('recordChunks', () => {
  it('keeps publishes in order and splits them into requests of at most ~maxBytes', () => {
    const chunks = recordChunks(
      [
        { topic: 'items', records: [record('a', 400), record('b', 400)] },
        { topic: 'feedback', records: [record('c', 400)] },
      ],
      1000,
    );
    expect(chunks.map((chunk) => chunk.map(({ topic, record: r }) => `${topic}/${r.key}`))).toEqual([['items/a', 'items/b'], ['feedback/c']]);
  });

  it('sends a record larger than maxBytes alone, and counts header bytes', () => {
    const withHeaders = { key: 'h', value: '', headers: { trace: 'y'.repeat(900) } };
    const chunks = recordChunks([{ topic: 'items', records: [record('a', 10), record('big', 5000), withHeaders, record('b', 10)] }], 1000);
    expect(chunks.map((chunk) => chunk.map(({ record: r }) => r.key))).toEqual([['a'], ['big'], ['h'], ['b']]);
  });

  it('makes no request for no records', () => {
    expect(recordChunks([{ topic: 'items', records: [] }], 1000)).toEqual([]);
  });
});
