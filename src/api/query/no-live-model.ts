import { ApiError } from '../api-error';

/**
 * The answer while no model version has been published: 503, retry later.
 *
 * @example
 * if (!live) throw noLiveModel();
 */
export function noLiveModel(): ApiError {
  return new ApiError(503, 'no_live_model', 'no model version is published yet; retry later', undefined, { 'Retry-After': '10' });
}
