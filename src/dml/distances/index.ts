export { type Distance, excessDistance, closeness, closenessOf, l2Normalize } from './distance';
export { LpDistance, type LpDistanceOptions } from './lp-distance';
export { CosineSimilarity } from './cosine-similarity';
export { DotProductSimilarity } from './dot-product-similarity';
