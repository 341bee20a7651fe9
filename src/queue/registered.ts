/**
 * Every queue adapter, by its `DISCERN_QUEUE` value, each a line naming the file that exports its
 * `registration`. The adapters load only when `./index` is imported, so reading the kinds
 * (settings) loads no client library.
 */
export const registeredQueues = {
  embedded: () => import('./embedded/registration'),
  kafka: () => import('./kafka/registration'),
} as const;

export type QueueKind = keyof typeof registeredQueues;

/** Queue kinds in registration order, e.g. for `DISCERN_QUEUE`. */
export const queueKinds = Object.keys(registeredQueues) as [QueueKind, ...QueueKind[]];
