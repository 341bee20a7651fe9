/**
 * Installs `Promise.withResolvers` (ES2024) where the runtime lacks it. @platformatic/kafka
 * declares Node ≥ 22.22 and needs it for every promise-returning call; on Node 20, which discern
 * supports, it is the one missing piece (zstd compression, its other newer need, is optional).
 *
 * @example
 * installPromiseWithResolvers();
 * const { promise, resolve } = Promise.withResolvers<number>();
 */
export function installPromiseWithResolvers(): void {
  const constructor = Promise as unknown as { withResolvers?: unknown };
  if (typeof constructor.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
