import type { OutgoingRecord, TopicName } from '../../src/core/queue';

/** A record no consumer can apply, as it lands in the queue, and what its dead letter's reason must say. */
export interface PoisonRecord extends OutgoingRecord {
  topic: Extract<TopicName, 'items' | 'feedback'>;
  /** Matches the `reason` header of its dead letter (names the field at fault). */
  reason: RegExp;
}

/** A PNG signature followed by garbage: passes a header sniff, fails to decode. */
const CORRUPT_PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16, 7)]).toString('base64');

/**
 * One record of every kind of poison that can reach the `items` and `feedback` topics without
 * going through the API (another producer, an older API, a hand-written record): not JSON, not
 * an object, another schema version, attribute names a vector store refuses (`color.primary`,
 * `__proto__`), a huge label, a vector for an image model, non-finite or missing pixel values,
 * an undecodable image, a metadata-only update of an unknown item, a bad id, a missing accept
 * time, unknown record types, and feedback that breaks its own rules. `pixels` is a valid
 * image for the model under test, so only the named fault makes each record poison. Each key
 * is unique (`poison-<kind>`), so a dead letter can be matched to its record.
 *
 * @example
 * const poison = poisonRecords(item.pixels);
 * await queue.publish('items', poison.filter((p) => p.topic === 'items'));
 */
export function poisonRecords(pixels: { width: number; height: number; channels: number; data: number[] }): PoisonRecord[] {
  const at = Date.now();
  const item = (kind: string, fields: Record<string, unknown>, reason: RegExp): PoisonRecord => ({
    topic: 'items',
    key: `poison-${kind}`,
    value: JSON.stringify({ schemaVersion: 1, type: 'upsert', id: `poison-${kind}`, receivedAt: at, ...fields }),
    reason,
  });
  const raw = (topic: PoisonRecord['topic'], kind: string, value: string, reason: RegExp): PoisonRecord => ({ topic, key: `poison-${kind}`, value, reason });
  const feedback = (kind: string, fields: Record<string, unknown>, reason: RegExp): PoisonRecord => ({
    topic: 'feedback',
    key: `poison-${kind}`,
    value: JSON.stringify({ schemaVersion: 1, eventId: `poison-${kind}`, receivedAt: at, ...fields }),
    reason,
  });
  const pixelsJson = JSON.stringify(pixels);
  return [
    raw('items', 'not-json', '{"schemaVersion":1,"type":"upsert",', /^value: not JSON/),
    raw('items', 'not-an-object', '[1,2,3]', /^value: /),
    item('schema-v2', { schemaVersion: 2, pixels }, /^schemaVersion: /),
    item('dotted-attribute', { pixels, attributes: { 'color.primary': 'red' } }, /^attributes\.color\.primary: attribute names must be/),
    raw(
      'items',
      'proto-attribute',
      `{"schemaVersion":1,"type":"upsert","id":"poison-proto-attribute","receivedAt":${at},"pixels":${pixelsJson},"attributes":{"__proto__":"x"}}`,
      /^attributes\.__proto__: .*reserved/,
    ),
    item('huge-label', { pixels, label: 'x'.repeat(100_000) }, /^label: /),
    item('vector-for-image-model', { vector: [0.5, 1.5, 2.5] }, /^vector: this model takes images/),
    raw(
      'items',
      'infinite-pixel',
      `{"schemaVersion":1,"type":"upsert","id":"poison-infinite-pixel","receivedAt":${at},"pixels":${pixelsJson.replace(/"data":\[\d+/, '"data":[1e999')}}`,
      /^pixels\.data\.0: /,
    ),
    item('short-pixels', { pixels: { ...pixels, data: pixels.data.slice(1) } }, /^pixels\.data: /),
    item('corrupt-png', { image: CORRUPT_PNG }, /^image: /),
    item('metadata-of-unknown-item', { label: 'x', attributes: { color: 'red' } }, /^id: poison-metadata-of-unknown-item is not a known item/),
    item('bad-id', { id: 'a b/../c', pixels }, /^id: /),
    raw('items', 'no-accept-time', JSON.stringify({ schemaVersion: 1, type: 'upsert', id: 'poison-no-accept-time', pixels }), /^receivedAt: /),
    item('unknown-type', { type: 'rename' }, /^type: /),
    raw('feedback', 'feedback-not-json', 'label:fixed', /^value: not JSON/),
    feedback('feedback-huge-label', { type: 'label', itemId: 'anything', label: 'y'.repeat(10_000) }, /^label: /),
    feedback('feedback-same-pair', { type: 'pair', a: 'p', b: 'p', similar: true }, /^b: must differ from a/),
    feedback('feedback-unknown-type', { type: 'like', itemId: 'p' }, /^type: /),
    raw('feedback', 'feedback-no-event-id', JSON.stringify({ schemaVersion: 1, type: 'label', itemId: 'p', label: 'x', receivedAt: at }), /^eventId: /),
  ];
}
