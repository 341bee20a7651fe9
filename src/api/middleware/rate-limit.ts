import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../api-error';
import { TokenBuckets } from '../token-buckets';
import { presentedKeys } from './api-key';

export interface ComputeRateLimitOptions {
  /** Requests per second per client; 0 turns the limit off. */
  perSecond: number;
  /** Requests a client may make at once. */
  burst: number;
  /** Configured API keys: a request is counted against the key it authenticated with. */
  keys: readonly (string | undefined)[];
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** The address of the peer, where the Node server provides it (not behind `app.request`). */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * A token-bucket rate limit per API key (per client address where no key is configured):
 * over it, 429 with `Retry-After`. Only a configured key names a client, so inventing keys
 * does not buy fresh buckets.
 *
 * @example
 * createRoute({ method: 'post', path: '/v1/search', middleware: [computeRateLimit({ perSecond: 20, burst: 40, keys: [config.apiKey] })], ... });
 */
export function computeRateLimit(options: ComputeRateLimitOptions): MiddlewareHandler {
  if (options.perSecond === 0) {
    return async function computeRateLimit(_c, next) {
      await next();
    };
  }
  const buckets = new TokenBuckets({ perSecond: options.perSecond, burst: options.burst });
  const keys = new Map(options.keys.filter((k): k is string => k !== undefined).map((k, i) => [digest(k), `key:${i}`]));
  return async function computeRateLimit(c, next) {
    const presented = presentedKeys(c).map(digest);
    const client = presented.map((d) => keys.get(d)).find((id) => id !== undefined) ?? `address:${clientAddress(c)}`;
    const wait = buckets.take(client);
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil(wait));
      throw new ApiError(429, 'rate_limited', `more than ${options.perSecond} requests per second (COMPUTE_RATE_LIMIT); retry after ${retryAfter} s`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    await next();
  };
}
