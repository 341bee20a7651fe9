export { type Miner, downloadDistances } from './miner';
export { BatchHardMiner, type BatchHardMinerOptions } from './batch-hard-miner';
export { TripletMarginMiner, SemiHardMiner, type TripletMarginMinerOptions, type TripletType } from './triplet-margin-miner';
export { DistanceWeightedMiner, type DistanceWeightedMinerOptions } from './distance-weighted-miner';
export { MultiSimilarityMiner, type MultiSimilarityMinerOptions } from './multi-similarity-miner';
