import { collectionForVersion } from '../core/catalog-naming';
import type { ConsumedRecord, OutgoingRecord, Queue } from '../core/queue';
import type { LocalCatalogEmbedder, RefusedRow } from '../catalog-embedding/catalog-embedder';
import type { Logger } from '../log/logger';
import { catalogRows } from './catalog-rows';
import type { CatalogItem, CatalogState } from './catalog-state';
import { deadLetterFor } from './dead-letter';
import type { Learner } from './learner';
import type { RecordOutcome } from './record-applier';
import type { ReplayTracker } from './replay-tracker';
import type { TrainerMetrics } from './trainer-metrics';
import type { ConsumedTopic, TrainerStatus } from './trainer-status';

export interface RecordIntakeOptions {
  queue: Queue;
  /** Writes changed items into the live collection (the catalog embedder publications use too). */
  embedder: LocalCatalogEmbedder;
  alias: string;
  replay: ReplayTracker;
  /** The counters it keeps (`consumed`, `applied`, `deadLetters`, `duplicates`). */
  status: TrainerStatus;
  metrics: TrainerMetrics;
  log: Logger;
  /** The live model version, whose collection it keeps current (none: nothing to keep). */
  liveVersion: () => string | undefined;
}

/**
 * Takes polled records into the trainer: applies each to the catalog and replay memory,
 * dead-letters those that cannot be applied (only new ones: a replayed record was dead-lettered
 * before the restart), and once the replay has caught up, writes the items new records changed
 * into the live collection; an item the store refuses sends the record that changed it to the
 * dead letters too. Resolves with how many new records carried training signal.
 *
 * @example
 * const intake = createRecordIntake({ queue, embedder, alias, replay, status, metrics, log, liveVersion: () => live });
 * if ((await intake.take(await consumer.poll(256, 500), learner)) > 0) cadence.signalled(Date.now());
 */
export function createRecordIntake(options: RecordIntakeOptions) {
  const { queue, embedder, alias, replay, status, metrics, log } = options;
  /** Items whose live vector or payload is to be refreshed once the replay has caught up, with the newest record that changed each. */
  const pendingTouched = new Map<string, ConsumedRecord>();

  function deadLetter(record: ConsumedRecord, reason: string, letters: OutgoingRecord[], context: Record<string, unknown> = {}): void {
    const topic = record.topic as ConsumedTopic;
    status.deadLetters[topic]++;
    metrics.deadLetters.inc({ topic });
    letters.push(deadLetterFor(record, reason));
    log.warn({ topic, partition: record.partition, offset: record.offset, key: record.key, reason, ...context }, 'record sent to dead letters');
  }

  /** Embeds changed items with the live version into its collection (or removes them); returns those the store refused. */
  async function updateLiveCollection(ids: string[], catalog: CatalogState): Promise<RefusedRow[]> {
    const version = options.liveVersion();
    if (!version) return [];
    const collection = collectionForVersion(alias, version);
    const upserts = ids.map((id) => catalog.get(id)).filter((item): item is CatalogItem & { input: Float32Array } => item?.input !== undefined);
    await embedder.remove(collection, ids.filter((id) => catalog.get(id)?.input === undefined));
    return (await embedder.embedCatalog({ version, collection, rowShape: catalog.inputShape, rows: catalogRows(catalog, upserts) })).refused;
  }

  return {
    async take(records: ConsumedRecord[], { catalog, applier }: Learner): Promise<number> {
      const deadLetters: OutgoingRecord[] = [];
      let newSignal = 0;
      for (const record of records) {
        const topic = record.topic as ConsumedTopic;
        const isNew = replay.isNew(record);
        let outcome: RecordOutcome;
        try {
          outcome = await applier.apply({ topic, partition: record.partition, offset: record.offset }, JSON.parse(record.value));
        } catch (error) {
          // Whatever else one record makes fail (a decoder's own error, say) is that record's fault too.
          const reason = error instanceof SyntaxError ? `value: not JSON (${error.message})` : `value: could not be applied (${(error as Error).message})`;
          outcome = { kind: 'dead', reason };
        }
        replay.advance(record);
        status.consumed[topic]++;
        metrics.eventsConsumed.inc({ topic });
        if (outcome.kind === 'dead') {
          if (isNew) deadLetter(record, outcome.reason, deadLetters);
          else status.deadLetters[topic]++;
        } else if (outcome.kind === 'duplicate') {
          status.duplicates++;
        } else {
          status.applied[topic]++;
          if (isNew && outcome.signal) newSignal++;
          if (isNew) for (const id of outcome.touched) pendingTouched.set(id, record);
        }
      }
      // While replaying, the catalog lacks records not yet re-read: an item seen so far only in new
      // feedback (its content lies below the checkpoint, on another topic) would look content-less
      // and be removed from the live collection for good.
      if (pendingTouched.size > 0 && replay.caughtUp()) {
        const touchedBy = new Map(pendingTouched);
        pendingTouched.clear();
        for (const { id, reason } of await updateLiveCollection([...touchedBy.keys()], catalog)) {
          const record = touchedBy.get(id)!;
          status.applied[record.topic as ConsumedTopic]--;
          deadLetter(record, reason, deadLetters, { id });
        }
      }
      if (deadLetters.length > 0) await queue.publish('dead-letters', deadLetters);
      return newSignal;
    },
  };
}
