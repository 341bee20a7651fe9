import type { Queue } from '../core/queue';
import type { VectorIndexStatus, VectorStore } from '../core/vector-store';
import type { LiveCollection } from './live-collection';

/** How far the service is from serving everything it accepted. */
export interface ServiceProgress {
  /** Points in the live collection (null while none is published). */
  liveItems: number | null;
  /** The live collection's approximate index, where the store builds one itself. */
  index: VectorIndexStatus | null;
  /**
   * Records the trainer has not committed yet, per topic: items still to go live, feedback still
   * to train on (committed every few seconds; null when the queue cannot tell).
   */
  trainerLag: Record<string, number> | null;
}

/**
 * Gathers indexing and training progress for `GET /v1/model`; each part is null rather than an
 * error when its source is unavailable.
 *
 * @example
 * const progress = await describeProgress({ queue, vectorStore, trainerGroup: 'discern-trainer' }, live);
 * // { liveItems: 41_216, index: { state: 'building', indexed: 20_480, pending: 20_736 }, trainerLag: { items: 28_784, feedback: 0 } }
 */
export async function describeProgress(
  deps: { queue: Queue; vectorStore: VectorStore; trainerGroup: string },
  live: LiveCollection | undefined,
): Promise<ServiceProgress> {
  const [liveItems, trainerLag] = await Promise.all([
    live === undefined
      ? null
      : deps.vectorStore.listCollections().then(
          (all) => all.find((c) => c.name === live.collection)?.count ?? null,
          () => null,
        ),
    deps.queue.committedLag(deps.trainerGroup, ['items', 'feedback']).catch(() => null),
  ]);
  let index: VectorIndexStatus | null = null;
  try {
    if (live !== undefined && deps.vectorStore.indexStatus) index = deps.vectorStore.indexStatus(live.collection);
  } catch {
    index = null;
  }
  return { liveItems, index, trainerLag };
}
