/**
 * `work`, or a rejection with `Error(message)` once `ms` have passed; the timer never outlives it.
 *
 * @example
 * const { brokers } = await within(admin.describeCluster(), 3000, 'no answer within 3000 ms');
 */
export function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
