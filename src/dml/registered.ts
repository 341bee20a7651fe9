/**
 * Every loss and miner the registry offers, by name, each a line naming the file that exports
 * its `registration`. The files load only when `./registry` is imported, so reading the names
 * (settings, CLI choices) does not load TF.js.
 */
export const registeredLosses = {
  contrastive: () => import('./losses/contrastive-loss'),
  triplet: () => import('./losses/triplet-margin-loss'),
  npair: () => import('./losses/n-pairs-loss'),
  lifted: () => import('./losses/generalized-lifted-structure-loss'),
  'proxy-nca': () => import('./losses/proxy-nca-loss'),
  'ranked-list': () => import('./losses/ranked-list-loss'),
  'multi-similarity': () => import('./losses/multi-similarity-loss'),
} as const;

export const registeredMiners = {
  'batch-hard': () => import('./miners/batch-hard-miner'),
  'semi-hard': () => import('./miners/triplet-margin-miner'),
  'distance-weighted': () => import('./miners/distance-weighted-miner'),
  'multi-similarity': () => import('./miners/multi-similarity-miner'),
  none: () => import('./miners/no-miner'),
} as const;

export type LossName = keyof typeof registeredLosses;
export type MinerName = keyof typeof registeredMiners;

/** Loss names in registration order, e.g. for `LOSS` and `--loss`. */
export const lossNames = Object.keys(registeredLosses) as [LossName, ...LossName[]];
/** Miner names in registration order, e.g. for `MINER` and `--miner`. */
export const minerNames = Object.keys(registeredMiners) as [MinerName, ...MinerName[]];
