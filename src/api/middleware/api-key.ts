import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Guards write endpoints with a shared key taken from `x-api-key` or `Authorization: Bearer`:
 * 401 when absent, 403 when wrong. Without a configured key every request passes.
 *
 * @example
 * createRoute({ method: 'post', path: '/v1/items', middleware: [requireApiKey(config.apiKey)], ... });
 */
export function requireApiKey(expected: string | undefined): MiddlewareHandler {
  // Comparing fixed-size digests keeps the comparison time independent of the key.
  const expectedDigest = expected === undefined ? undefined : digest(expected);
  return async function requireApiKey(c, next) {
    if (expectedDigest === undefined) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    const given = c.req.header('x-api-key') ?? bearer;
    if (!given) {
      throw new ApiError(401, 'unauthorized', 'missing API key: send it in the x-api-key header or as Authorization: Bearer <key>', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (!timingSafeEqual(digest(given), expectedDigest)) throw new ApiError(403, 'forbidden', 'wrong API key');
    return next();
  };
}
