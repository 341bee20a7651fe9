import type { Queue } from '../../core/queue';
import type { VectorStore } from '../../core/vector-store';
import { resolveLiveCollection, storeCall } from '../live-collection';
import { itemsLag } from './items-lag';
import type { RecentItemWrites } from './recent-item-writes';

export interface ItemIdCheck {
  queue: Queue;
  /** Consumer group of the trainer: once it has committed every item record, the live collection is complete. */
  trainerGroup: string;
  vectorStore: VectorStore;
  liveAlias: string;
  recent: RecentItemWrites;
  /** UNKNOWN_ITEM_IDS: with `accept` nothing is ever reported unknown. */
  policy: 'reject' | 'accept';
}

/** Store lookups in flight at once for one request. */
const LOOKUP_CONCURRENCY = 16;

/**
 * The ids among `ids` that the API knows name no item: deleted through this API recently, or
 * neither written through this API recently nor in the live collection while the trainer has
 * applied every item record. Otherwise the API cannot know (another API process, or this one
 * before a restart, may have accepted the item and the trainer not indexed it yet), nor before
 * the first model version is published, nor when UNKNOWN_ITEM_IDS is `accept`.
 *
 * @example
 * const unknown = await unknownItemIds(['shoe-1', 'typo-2'], { queue, trainerGroup: 'discern-trainer', vectorStore, liveAlias: 'catalog', recent, policy: 'reject' });
 * unknown.has('typo-2'); // true when neither indexed nor just posted, and the trainer is caught up
 */
export async function unknownItemIds(ids: Iterable<string>, check: ItemIdCheck): Promise<Set<string>> {
  const unknown = new Set<string>();
  if (check.policy === 'accept') return unknown;
  const toLookUp: string[] = [];
  for (const id of new Set(ids)) {
    const write = check.recent.get(id);
    if (write?.deleted) unknown.add(id);
    else if (!write) toLookUp.push(id);
  }
  if (toLookUp.length === 0) return unknown;
  const live = await resolveLiveCollection(check.vectorStore, check.liveAlias);
  // Asked before the lookups: an item accepted anywhere before this request is then either
  // committed by the trainer, hence in the live collection, or counted in the lag.
  if (!live || !(await trainerCaughtUp(check))) return unknown;
  let next = 0;
  const worker = async () => {
    while (next < toLookUp.length) {
      const id = toLookUp[next++];
      const point = await storeCall(() => check.vectorStore.get(live.collection, id));
      if (!point) unknown.add(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, toLookUp.length) }, worker));
  return unknown;
}

async function trainerCaughtUp(check: ItemIdCheck): Promise<boolean> {
  try {
    return (await itemsLag(check.queue, check.trainerGroup)) === 0;
  } catch {
    // The queue cannot say: nor can the API, so the item is given the benefit of the doubt.
    return false;
  }
}
