/** A dependency the edge calls (the Node service, Qdrant, the model host) cannot answer now: 503. */
export class UpstreamUnavailableError extends Error {
  override name = 'UpstreamUnavailableError';
}

/** A dependency refused the request as malformed (e.g. a filter on an unknown attribute): 400. */
export class UpstreamRejectedError extends Error {
  override name = 'UpstreamRejectedError';
}

/**
 * `fetch` for the edge's dependencies: a network failure or a 5xx/429 answer becomes
 * `unavailable` (the caller answers 503 + Retry-After), a 400/422 answer `rejected` (a 400 to the
 * client, with the dependency's reason); other statuses are returned for the caller to read.
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
  if (response.status === 400 || response.status === 422) {
    const detail = await response.text().catch(() => '');
    throw new UpstreamRejectedError(`${what}: ${reasonOf(detail) ?? `HTTP ${response.status}`}`);
  }
  return response;
}

/** The reason inside a Qdrant (`status.error`) or discern (`error.message`) error body. */
function reasonOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { status?: { error?: string }; error?: { message?: string } };
    return parsed.status?.error ?? parsed.error?.message;
  } catch {
    return body.trim().slice(0, 300) || undefined;
  }
}
