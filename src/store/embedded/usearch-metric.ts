import usearch, { type MetricKind } from 'usearch';
import type { VectorDistance } from '../../core/vector-store';

/**
 * The usearch metric for a collection's distance. Cosine collections hold unit vectors, so the
 * inner product is their cosine and the cheaper metric does.
 *
 * @example
 * const metric = usearchMetric('cosine'); // MetricKind.IP
 */
export function usearchMetric(distance: VectorDistance): MetricKind {
  return distance === 'euclid' ? usearch.MetricKind.L2sq : usearch.MetricKind.IP;
}

/**
 * Turns a usearch distance into the store's score (higher is closer): usearch reports
 * `1 - dot` for the inner product and the squared distance for L2sq.
 *
 * @example
 * scoreFromUsearch('euclid', 4); // -2
 */
export function scoreFromUsearch(distance: VectorDistance, value: number): number {
  return distance === 'euclid' ? -Math.sqrt(Math.max(0, value)) : 1 - value;
}
