/**
 * Coalesces concurrent requests into one flush: while a flush is running, new items queue up
 * and the next flush takes them all. Many small concurrent publishes then share one fsync
 * (embedded) or one produce request (Kafka) instead of paying for one each.
 *
 * Items are flushed in the order they were added, and at most one flush runs at a time, so
 * order between items is preserved.
 *
 * @example
 * const commit = createGroupCommit<Buffer>(async (buffers) => { await write(buffers); await fsync(); });
 * await Promise.all([commit.add(a), commit.add(b)]); // usually one write + one fsync
 */
export function createGroupCommit<T>(flush: (items: T[]) => Promise<void>) {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running: Promise<void> | undefined;

  async function flushAll(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await flush(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    running = undefined;
  }

  return {
    /** Resolves once the flush that includes `item` succeeded; rejects with its error. */
    add(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        running ??= flushAll();
      });
    },
    /** Resolves when nothing is queued or being flushed. */
    async idle(): Promise<void> {
      while (running) await running;
    },
  };
}
