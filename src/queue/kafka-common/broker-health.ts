import type { QueueHealth } from '../../core/queue';
import { stalledWriteHealth } from '../write-options';
import { within } from './within';

/**
 * A Kafka queue's health: not ok while a produce request is pending past the write deadline,
 * else whether the cluster, once `connect` reached it, answers `countBrokers` within 3 s.
 *
 * @example
 * await brokerHealth(sends.oldestMs(), 5000, connectedAdmin, async (a) => (await a.describeCluster()).brokers.length); // { ok: true, detail: '1 broker(s)' }
 */
export async function brokerHealth<A>(pendingMs: number, writeDeadlineMs: number, connect: () => Promise<A>, countBrokers: (admin: A) => Promise<number>): Promise<QueueHealth> {
  const stalled = stalledWriteHealth(pendingMs, writeDeadlineMs);
  if (stalled) return stalled;
  try {
    const admin = await connect();
    const count = await within(countBrokers(admin), 3000, 'no answer within 3000 ms');
    return { ok: true, detail: `${count} broker(s)` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
