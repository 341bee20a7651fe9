import type { Queue } from '../../core/queue';
import { createGroupCommit, type GroupCommit } from '../../queue/group-commit';

interface LagRequest {
  /** Set by the query that answered this request. */
  lag?: number;
}

const queries = new WeakMap<Queue, Map<string, GroupCommit<LagRequest>>>();

/**
 * The `items` records consumer group `group` has not committed, from a query that started after
 * this call: an item accepted anywhere before the call is either committed or counted. Calls
 * made while a query runs share the next one, so concurrent requests (single feedback events)
 * cost one lag query per round trip of the queue instead of one each.
 *
 * @example
 * const caughtUp = (await itemsLag(queue, 'discern-trainer')) === 0;
 */
export async function itemsLag(queue: Queue, group: string): Promise<number> {
  let byGroup = queries.get(queue);
  if (!byGroup) queries.set(queue, (byGroup = new Map()));
  let query = byGroup.get(group);
  if (!query) {
    // One query at a time, without linger: callers that arrive while it runs all join the next
    // one, which therefore starts after each of them.
    query = createGroupCommit<LagRequest>(async (waiting) => {
      const lag = (await queue.committedLag(group, ['items'])).items;
      for (const request of waiting) request.lag = lag;
    });
    byGroup.set(group, query);
  }
  const request: LagRequest = {};
  await query.add(request);
  return request.lag!;
}
