import type { LossName, MinerName } from '../../src/dml/registry';

/**
 * The miner each registry loss is benchmarked with: the pairing its paper (or common practice in
 * pytorch-metric-learning) uses. Losses built around whole-batch structure (N-pairs, lifted
 * structure, ranked list, proxies) take every pair and get no miner.
 *
 * @example
 * lossLineup.triplet; // 'semi-hard'
 */
export const lossLineup: Readonly<Record<LossName, MinerName>> = {
  contrastive: 'multi-similarity',
  triplet: 'semi-hard',
  npair: 'none',
  lifted: 'none',
  'proxy-nca': 'none',
  'ranked-list': 'none',
  'multi-similarity': 'multi-similarity',
};
