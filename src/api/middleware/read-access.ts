import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config/load-config';
import { requireApiKey } from './api-key';

/**
 * Routes anyone may call: liveness and readiness probes, the description of the API, and the
 * console's and docs' static pages (what they fetch from the API is guarded as usual).
 */
export const OPEN_PATHS: readonly string[] = ['/healthz', '/readyz', '/openapi.json', '/', '/console.js', '/console.css', '/docs'];
/** Path prefixes anyone may call: the docs page's static files. */
export const OPEN_PREFIXES: readonly string[] = ['/docs/'];

/**
 * Guards every route but `OPEN_PATHS` once any key is configured: reads and searches accept
 * the read key or the write key. Write routes add their own, stricter `requireApiKey`.
 *
 * @example
 * app.use('*', readAccess({ apiKey: 'w', readApiKey: 'r' }));
 */
export function readAccess(config: Pick<Config, 'apiKey' | 'readApiKey'>): MiddlewareHandler {
  const wanted = config.readApiKey !== undefined ? 'the read key (DISCERN_READ_API_KEY) or the write key (DISCERN_API_KEY)' : 'the API key (DISCERN_API_KEY)';
  const guard = requireApiKey([config.apiKey, config.readApiKey], wanted);
  const open = new Set(OPEN_PATHS);
  return async function readAccess(c, next) {
    if (open.has(c.req.path) || OPEN_PREFIXES.some((prefix) => c.req.path.startsWith(prefix))) return next();
    return guard(c, next);
  };
}
