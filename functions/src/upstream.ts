/** A dependency the edge calls (the Node service, Qdrant, the model host) cannot answer now: 503. */
export class UpstreamUnavailableError extends Error {
  override name = 'UpstreamUnavailableError';
}

/**
 * `fetch` for the edge's dependencies: a network failure or a 5xx/429 answer becomes
 * `unavailable` (the caller answers 503 + Retry-After); other statuses, refusals (400) among
 * them, are returned for the caller to read.
 *
 * @example
 * const response = await upstreamFetch('qdrant /aliases', `${base}/aliases`, { headers }, (m) => new CatalogUnavailableError(m));
 */
export async function upstreamFetch(what: string, url: string, init: RequestInit, unavailable: (message: string) => Error = (m) => new UpstreamUnavailableError(m)): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw unavailable(`${what}: unreachable (${(error as Error).message})`);
  }
  if (response.status >= 500 || response.status === 429) throw unavailable(`${what}: HTTP ${response.status}`);
  return response;
}
