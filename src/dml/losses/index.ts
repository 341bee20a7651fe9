export { type MetricLoss, zeroLoss } from './metric-loss';
export { ContrastiveLoss, type ContrastiveLossOptions } from './contrastive-loss';
export { TripletMarginLoss, type TripletMarginLossOptions } from './triplet-margin-loss';
export { NPairsLoss, type NPairsLossOptions } from './n-pairs-loss';
export { GeneralizedLiftedStructureLoss, type GeneralizedLiftedStructureLossOptions } from './generalized-lifted-structure-loss';
export { ProxyNCALoss, type ProxyNCALossOptions, type ProxyGrowth } from './proxy-nca-loss';
export { RankedListLoss, type RankedListLossOptions } from './ranked-list-loss';
export { MultiSimilarityLoss, type MultiSimilarityLossOptions } from './multi-similarity-loss';
