import { z } from 'zod';
import { CosineSimilarity } from './distances/cosine-similarity';
import type { Distance } from './distances/distance';
import { DotProductSimilarity } from './distances/dot-product-similarity';
import { LpDistance } from './distances/lp-distance';
import { ContrastiveLoss } from './losses/contrastive-loss';
import { GeneralizedLiftedStructureLoss } from './losses/generalized-lifted-structure-loss';
import type { MetricLoss } from './losses/metric-loss';
import { MultiSimilarityLoss } from './losses/multi-similarity-loss';
import { NPairsLoss } from './losses/n-pairs-loss';
import { ProxyNCALoss } from './losses/proxy-nca-loss';
import { RankedListLoss } from './losses/ranked-list-loss';
import { TripletMarginLoss } from './losses/triplet-margin-loss';
import { BatchHardMiner } from './miners/batch-hard-miner';
import { DistanceWeightedMiner } from './miners/distance-weighted-miner';
import type { Miner } from './miners/miner';
import { MultiSimilarityMiner } from './miners/multi-similarity-miner';
import { SemiHardMiner } from './miners/triplet-margin-miner';
import { AvgNonZeroReducer } from './reducers/avg-non-zero-reducer';
import { MeanReducer } from './reducers/mean-reducer';
import type { Reducer } from './reducers/reducer';
import { SumReducer } from './reducers/sum-reducer';

const distanceName = z.enum(['euclidean', 'squared-euclidean', 'cosine', 'dot-product']);
const reducerName = z.enum(['mean', 'avg-non-zero', 'sum']);
const finite = z.number().finite();
const positive = z.number().finite().positive();

/** Option schemas per loss name; every field is optional and defaults to the paper's value. */
export const lossOptionSchemas = {
  contrastive: z.strictObject({ distance: distanceName, reducer: reducerName, posMargin: finite, negMargin: finite }).partial(),
  triplet: z.strictObject({ distance: distanceName, reducer: reducerName, margin: finite, smoothLoss: z.boolean() }).partial(),
  npair: z.strictObject({ distance: distanceName, reducer: reducerName, embeddingL2Weight: z.number().finite().nonnegative() }).partial(),
  lifted: z.strictObject({ distance: distanceName, reducer: reducerName, posMargin: finite, negMargin: finite }).partial(),
  'proxy-nca': z
    .strictObject({
      distance: distanceName,
      reducer: reducerName,
      softmaxScale: positive,
      embeddingSize: z.number().int().positive(),
      initialCapacity: z.number().int().positive(),
      seed: z.number().int(),
    })
    .partial(),
  'ranked-list': z
    .strictObject({
      distance: z.enum(['euclidean', 'squared-euclidean']),
      reducer: reducerName,
      margin: z.number().finite().nonnegative(),
      boundary: finite,
      tn: finite,
      tp: finite,
      imbalance: z.number().min(0).max(1),
    })
    .partial(),
  'multi-similarity': z
    .strictObject({ distance: distanceName, reducer: reducerName, alpha: positive, beta: positive, base: finite })
    .partial(),
} as const;

/** Option schemas per miner name. `none` means "use every pair/triplet" and creates no miner. */
export const minerOptionSchemas = {
  'batch-hard': z.strictObject({ distance: distanceName }).partial(),
  'semi-hard': z.strictObject({ distance: distanceName, margin: finite }).partial(),
  'distance-weighted': z
    .strictObject({ cutoff: z.number().min(0).lt(2), nonzeroLossCutoff: z.number().positive(), seed: z.number().int() })
    .partial(),
  'multi-similarity': z.strictObject({ distance: distanceName, epsilon: finite }).partial(),
  none: z.strictObject({}),
} as const;

export type LossName = keyof typeof lossOptionSchemas;
export type MinerName = keyof typeof minerOptionSchemas;
export type LossOptions<N extends LossName> = z.input<(typeof lossOptionSchemas)[N]>;
export type MinerOptions<N extends MinerName> = z.input<(typeof minerOptionSchemas)[N]>;

export const lossNames = Object.keys(lossOptionSchemas) as LossName[];
export const minerNames = Object.keys(minerOptionSchemas) as MinerName[];

/**
 * A loss from its name and plain options (e.g. from a CLI flag or a JSON config). Options are
 * validated; unknown names and bad fields raise an error naming them.
 *
 * @example
 * const loss = createLoss('triplet', { margin: 0.2, distance: 'cosine' });
 */
export function createLoss<N extends LossName>(name: N, options?: LossOptions<N>): MetricLoss;
export function createLoss(name: string, options?: unknown): MetricLoss;
export function createLoss(name: string, options: unknown = {}): MetricLoss {
  if (!Object.hasOwn(lossOptionSchemas, name)) {
    throw new Error(`createLoss: unknown loss '${name}'; expected one of ${lossNames.join(', ')}`);
  }
  const o = parse(`createLoss('${name}')`, lossOptionSchemas[name as LossName], options) as Record<string, unknown>;
  const { distance, reducer, ...rest } = o;
  const common = {
    ...(distance ? { distance: makeDistance(distance as string) } : {}),
    ...(reducer ? { reducer: makeReducer(reducer as string) } : {}),
  };
  switch (name as LossName) {
    case 'contrastive':
      return new ContrastiveLoss({ ...rest, ...common });
    case 'triplet':
      return new TripletMarginLoss({ ...rest, ...common });
    case 'npair':
      return new NPairsLoss({ ...rest, ...common });
    case 'lifted':
      return new GeneralizedLiftedStructureLoss({ ...rest, ...common });
    case 'proxy-nca':
      return new ProxyNCALoss({ ...rest, ...common });
    case 'ranked-list':
      return new RankedListLoss({ ...rest, ...common });
    case 'multi-similarity':
      return new MultiSimilarityLoss({ ...rest, ...common });
  }
}

/**
 * A miner from its name and plain options; `none` returns null (the loss then uses every
 * valid pair or triplet of the batch).
 *
 * @example
 * const miner = createMiner('semi-hard', { margin: 0.2 });
 * const indices = miner?.mine(embeddings, labels);
 */
export function createMiner<N extends MinerName>(name: N, options?: MinerOptions<N>): Miner | null;
export function createMiner(name: string, options?: unknown): Miner | null;
export function createMiner(name: string, options: unknown = {}): Miner | null {
  if (!Object.hasOwn(minerOptionSchemas, name)) {
    throw new Error(`createMiner: unknown miner '${name}'; expected one of ${minerNames.join(', ')}`);
  }
  const o = parse(`createMiner('${name}')`, minerOptionSchemas[name as MinerName], options) as Record<string, unknown>;
  const { distance, ...rest } = o;
  const common = distance ? { distance: makeDistance(distance as string) } : {};
  switch (name as MinerName) {
    case 'batch-hard':
      return new BatchHardMiner({ ...common });
    case 'semi-hard':
      return new SemiHardMiner({ ...rest, ...common });
    case 'distance-weighted':
      return new DistanceWeightedMiner(rest);
    case 'multi-similarity':
      return new MultiSimilarityMiner({ ...rest, ...common });
    case 'none':
      return null;
  }
}

function parse(owner: string, schema: z.ZodType, options: unknown): unknown {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const details = result.error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${path}${keys}: ${issue.message}`;
    })
    .join('; ');
  throw new Error(`${owner}: invalid ${details}`);
}

function makeDistance(name: string): Distance {
  switch (name) {
    case 'euclidean':
      return new LpDistance();
    case 'squared-euclidean':
      return new LpDistance({ squared: true });
    case 'cosine':
      return new CosineSimilarity();
    default:
      return new DotProductSimilarity();
  }
}

function makeReducer(name: string): Reducer {
  switch (name) {
    case 'mean':
      return new MeanReducer();
    case 'avg-non-zero':
      return new AvgNonZeroReducer();
    default:
      return new SumReducer();
  }
}
