import { VectorStoreError } from '../core/vector-store';
import { ApiError } from './api-error';
import { storeCall } from './live-collection';

/**
 * A store field (`queries[2].filter`) as an API issue path (`searches.2.filter`): brackets become
 * dots and `renames` maps the whole path, or else its first name, to the request's.
 *
 * @example
 * requestPath('queries[2].k', { queries: 'searches' }); // 'searches.2.k'
 * requestPath('positive[0]', { 'positive.0': 'itemId' }); // 'itemId'
 */
export function requestPath(field: string, renames: Record<string, string> = {}): string {
  const dotted = field.replace(/\[(\d+)\]/g, '.$1');
  if (Object.hasOwn(renames, dotted)) return renames[dotted];
  const [head, ...rest] = dotted.split('.');
  return [Object.hasOwn(renames, head) ? renames[head] : head, ...rest].join('.');
}

/**
 * Runs a vector-store query for a route: the store's refusal of an argument becomes a 400 and an
 * unknown example item a 404, each naming the request field; anything else the 503 of
 * `storeCall`.
 *
 * @example
 * const hits = await queryCall(() => store.recommend(collection, { positive, k }));
 */
export async function queryCall<T>(call: () => Promise<T>, renames: Record<string, string> = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VectorStoreError && error.field !== undefined) {
      const path = requestPath(error.field, renames);
      const message = `${path}: ${error.message.replace(/^[^:]*: /, '')}`;
      if (error.code === 'invalid_argument') throw new ApiError(400, 'invalid_request', message, [{ path, message }]);
      if (error.code === 'not_found' && /^(positive|negative)\[/.test(error.field)) throw new ApiError(404, 'item_not_found', message, [{ path, message: 'unknown item id' }]);
    }
    return storeCall(() => Promise.reject(error));
  }
}
