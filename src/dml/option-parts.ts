import { z } from 'zod';
import { CosineSimilarity } from './distances/cosine-similarity';
import type { Distance } from './distances/distance';
import { DotProductSimilarity } from './distances/dot-product-similarity';
import { LpDistance } from './distances/lp-distance';
import { AvgNonZeroReducer } from './reducers/avg-non-zero-reducer';
import { MeanReducer } from './reducers/mean-reducer';
import type { Reducer } from './reducers/reducer';
import { SumReducer } from './reducers/sum-reducer';

const distances = {
  euclidean: () => new LpDistance(),
  'squared-euclidean': () => new LpDistance({ squared: true }),
  cosine: () => new CosineSimilarity(),
  'dot-product': () => new DotProductSimilarity(),
} satisfies Record<string, () => Distance>;

const reducers = {
  mean: () => new MeanReducer(),
  'avg-non-zero': () => new AvgNonZeroReducer(),
  sum: () => new SumReducer(),
} satisfies Record<string, () => Reducer>;

/** A distance named in plain options (`'cosine'`, …), as losses and miners accept it. */
export const distanceOption = z.enum(Object.keys(distances) as [keyof typeof distances, ...(keyof typeof distances)[]]);
/** A reducer named in plain options (`'mean'`, …). */
export const reducerOption = z.enum(Object.keys(reducers) as [keyof typeof reducers, ...(keyof typeof reducers)[]]);
export const finiteOption = z.number().finite();
export const positiveOption = z.number().finite().positive();

/** Plain options with `distance` and `reducer` names replaced by the objects they name. */
export type WithParts<T> = Omit<T, 'distance' | 'reducer'> & { distance?: Distance; reducer?: Reducer };

/**
 * Replaces the `distance` and `reducer` names of parsed options by new objects of those kinds.
 *
 * @example
 * withParts({ distance: 'cosine', margin: 0.2 }); // { distance: CosineSimilarity, margin: 0.2 }
 */
export function withParts<T extends { distance?: string; reducer?: string }>(options: T): WithParts<T> {
  const { distance, reducer, ...rest } = options;
  return {
    ...rest,
    ...(distance ? { distance: distances[distance as keyof typeof distances]() } : {}),
    ...(reducer ? { reducer: reducers[reducer as keyof typeof reducers]() } : {}),
  } as WithParts<T>;
}
