import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '../../test/support/kafka';
import { poisonRecords } from '../../test/support/poison-records';
import { readDeadLetters } from '../../test/e2e/support/topic-contents';
import { waitFor } from '../../test/e2e/support/wait-for';
import { versionOfCollection } from '../core/catalog-naming';
import type { OutgoingRecord, Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { ImageDataset } from '../data/image-dataset';
import { createQueue } from '../queue';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createModelStore, createVectorStore } from '../store';
import type { OnlineTrainer } from './online-trainer';
import { fashionSubset, inputsOf, itemRecord, labelRecord } from '../../test/support/trainer/fashion-events';
import { startTestTrainer } from '../../test/support/trainer/online-trainer-fixture';

type QueueKind = 'embedded' | 'kafka';

describe.each<QueueKind>(['embedded', 'kafka'])('poison records on the %s queue', (kind) => {
  let kafka: KafkaBroker | undefined;
  let dir: string;
  let data: ImageDataset;
  let vectorStore: VectorStore;
  const open: Array<{ close(): Promise<void> }> = [];
  const topicPrefix = `poison-${randomUUID().slice(0, 8)}`;

  const openQueue = (): Queue => {
    const queue =
      kind === 'kafka'
        ? createQueue({ kind: 'kafka', brokers: [kafka!.brokers], clientId: 'poison-test', topicPrefix, partitions: 2 })
        : createQueue({ kind: 'embedded', dir: join(dir, 'queue'), partitions: 2 });
    open.push(queue);
    return queue;
  };

  const startTrainer = async (queue: Queue): Promise<OnlineTrainer> => {
    const started = await startTestTrainer({
      dir,
      queue,
      vectorStore,
      modelDir: join(dir, 'models'),
      logName: 'poison-test',
      config: { seed: 1, pollMaxRecords: 16, checkpointEverySeconds: 0.5, replayPartitions: 2 },
    });
    open.push(started);
    return started.trainer;
  };

  beforeAll(async () => {
    if (kind === 'kafka') kafka = await startKafka();
    dir = await mkdtemp(join(tmpdir(), `discern-poison-${kind}-`));
    data = await fashionSubset('train', 3);
    vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
  }, 300_000);

  afterAll(async () => {
    for (const o of open.reverse()) await o.close().catch(() => undefined);
    await vectorStore?.close();
    await kafka?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('dead-letters each poison record once with its reason, keeps training, and indexes the good items around them', async () => {
    const queue = openQueue();
    const trainer = await startTrainer(queue);
    await waitFor('the first version', async () => (await vectorStore.resolveAlias('catalog')) !== undefined, 60_000);

    // 30 good items in three waves, labelled, with every kind of poison between the waves.
    const size = data.height * data.width * data.channels;
    const pixels = { width: data.width, height: data.height, channels: data.channels, data: Array.from(data.images.subarray(0, size)) };
    const poison = poisonRecords(pixels);
    const waves = [0, 1, 2].map((w) => Array.from({ length: 10 }, (_, k) => w * 10 + k));
    const accepted = { items: 0, feedback: 0 };
    const publish = async (topic: 'items' | 'feedback', records: OutgoingRecord[]) => {
      await queue.publish(topic, records);
      accepted[topic] += records.length;
    };
    for (const [w, wave] of waves.entries()) {
      await publish('items', wave.map((i) => itemRecord(data, i, `good-${i}`)));
      await publish('feedback', wave.map((i) => labelRecord(`good-${i}`, String(data.labels[i]), `good-label-${i}`)));
      // A metadata-only update of an item indexed just before: applied, not poison.
      const update = { schemaVersion: 1, type: 'upsert', id: `good-${wave[0]}`, label: 'renamed', attributes: { color: 'red' }, receivedAt: Date.now() + 1000 };
      await publish('items', [{ key: update.id, value: JSON.stringify(update) }]);
      const share = poison.filter((_, p) => p % 3 === w);
      for (const topic of ['items', 'feedback'] as const) {
        const records = share.filter((p) => p.topic === topic).map(({ key, value }) => ({ key, value }));
        if (records.length > 0) await publish(topic, records);
      }
    }
    const poisonPerTopic = { items: poison.filter((p) => p.topic === 'items').length, feedback: poison.filter((p) => p.topic === 'feedback').length };

    const settled = await waitFor(
      'every record consumed and the good items live, with their metadata updates',
      async () => {
        const s = trainer.metrics();
        if (s.consumed.items !== accepted.items || s.consumed.feedback !== accepted.feedback) return undefined;
        const live = await vectorStore.resolveAlias('catalog');
        const count = (await vectorStore.listCollections()).find((c) => c.name === live)?.count;
        if (count !== 30) return undefined;
        // The live collection takes changed items in batches after they are consumed, so the last
        // metadata update may land a moment after the count is complete.
        const updated = await Promise.all(waves.map(async (wave) => (await vectorStore.get(live!, `good-${wave[0]}`))?.payload.label === 'renamed'));
        return updated.every(Boolean) ? s : undefined;
      },
      90_000,
      { last: () => trainer.metrics().consumed },
    );
    expect(settled.phase).toBe('running');
    expect(settled.deadLetters).toEqual(poisonPerTopic);
    expect(settled.applied).toEqual({ items: 33, feedback: 30 });
    expect(settled.embeddableItems).toBe(30);
    // Labels held out from training (for the canary gate) are labels all the same.
    expect(settled.labelledItems + settled.heldOut.items).toBe(30);

    // The last wave is searchable: its images find themselves through the live version.
    const live = (await vectorStore.resolveAlias('catalog'))!;
    const version = versionOfCollection('catalog', live)!;
    const runtime = createOnnxModelRuntime(createModelStore({ kind: 'fs', dir: join(dir, 'models') }));
    open.push(runtime);
    const late = waves[2];
    const vectors = await runtime.embed(version, inputsOf(data, late), [late.length, data.height, data.width, data.channels]);
    const dim = vectors.length / late.length;
    for (const [k, i] of late.entries()) {
      const [hit] = await vectorStore.search(live, vectors.subarray(k * dim, (k + 1) * dim), { k: 1 });
      expect(hit.score).toBeCloseTo(1, 4);
      expect((await vectorStore.get(live, hit.id))?.payload.label).toBe(i === late[0] ? 'renamed' : String(data.labels[i]));
    }
    for (const p of poison) expect(await vectorStore.get(live, p.key)).toBeUndefined();
    for (const wave of waves) {
      const { thumbnail, ...payload } = (await vectorStore.get(live, `good-${wave[0]}`))!.payload;
      expect(payload).toEqual({ label: 'renamed', attributes: { color: 'red' } });
      expect(thumbnail).toMatch(/^iVBORw0KGgo/);
    }

    // One dead letter per poison record, with the reason naming the field at fault.
    const letters = await readDeadLetters(queue, poison.length);
    expect(letters.map((l) => l.key).sort()).toEqual(poison.map((p) => p.key).sort());
    for (const p of poison) {
      const letter = letters.find((l) => l.key === p.key)!;
      expect(letter.headers['source-topic'], p.key).toBe(p.topic);
      expect(letter.headers.reason, p.key).toMatch(p.reason);
      expect(JSON.parse(letter.value)).toMatchObject({ reason: letter.headers.reason, topic: p.topic, value: p.value });
    }
    console.log(JSON.stringify({ kind, poison: poison.length, deadLetters: letters.length, goodItems: 30, consumed: settled.consumed, steps: settled.steps }));

    // A restarted trainer replays them all and sends no dead letter a second time.
    await trainer.stop();
    const again = await startTrainer(queue);
    const replayed = await waitFor(
      'the replay caught up',
      () => {
        const s = again.metrics();
        return s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback ? s : undefined;
      },
      60_000,
    );
    expect(replayed.deadLetters).toEqual(poisonPerTopic);
    expect((await readDeadLetters(queue, poison.length)).length).toBe(poison.length);
  }, 240_000);
});
