import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The keys a request presents, from `x-api-key` and `Authorization: Bearer`. An empty header
 * counts as absent, so a blank `x-api-key` beside a good bearer token does not hide it.
 *
 * @example
 * presentedKeys(c); // ['k1'] for `Authorization: Bearer k1`
 */
export function presentedKeys(c: Context): string[] {
  const keys: string[] = [];
  const header = c.req.header('x-api-key')?.trim();
  if (header) keys.push(header);
  const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
  if (bearer) keys.push(bearer);
  return keys;
}

/**
 * Guards routes with shared keys taken from `x-api-key` or `Authorization: Bearer`: 401 when
 * none is presented, 403 when none presented is one of `accepted`. Passes when any presented key
 * is accepted. Without a configured key every request passes.
 *
 * @example
 * createRoute({ method: 'post', path: '/v1/items', middleware: [requireApiKey(config.apiKey)], ... });
 * app.use('/v1/*', requireApiKey([config.apiKey, config.readApiKey], 'a read key or the write key'));
 */
export function requireApiKey(accepted: string | undefined | readonly (string | undefined)[], wanted = 'the write key (DISCERN_API_KEY)'): MiddlewareHandler {
  const keys = (typeof accepted === 'string' || accepted === undefined ? [accepted] : accepted).filter((k): k is string => k !== undefined);
  // Comparing fixed-size digests keeps the comparison time independent of the key.
  const digests = keys.map(digest);
  return async function requireApiKey(c, next) {
    if (digests.length === 0) return next();
    const given = presentedKeys(c);
    if (given.length === 0) {
      throw new ApiError(401, 'unauthorized', `missing API key: send ${wanted} in the x-api-key header or as Authorization: Bearer <key>`, undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const givenDigests = given.map(digest);
    // Every pair is compared, so the time taken does not tell which key matched.
    let ok = false;
    for (const g of givenDigests) for (const d of digests) ok = timingSafeEqual(g, d) || ok;
    if (!ok) throw new ApiError(403, 'forbidden', `wrong API key: this route needs ${wanted}`);
    return next();
  };
}
