import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../../log/logger';
import type { HttpMetrics } from '../http-metrics';

/** The route pattern that answered (e.g. `/v1/items/:id`), so metric labels stay bounded. */
function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}

/**
 * One structured log line and the request metrics per request, with the request id.
 *
 * @example
 * app.use('*', requestId(), accessLog(logger, metrics));
 */
export function accessLog(logger: Logger, metrics: HttpMetrics): MiddlewareHandler {
  return async function accessLog(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, seconds);
    const failed = c.res.status >= 500;
    // Built only when it is written: below LOG_LEVEL=info the line costs nothing.
    if (!failed && !logger.isLevelEnabled('info')) return;
    const line = { requestId: c.get('requestId'), ...labels, path: c.req.path, ms: Math.round(seconds * 1e4) / 10 };
    if (failed) logger.warn(line, 'request failed');
    else logger.info(line, 'request');
  };
}
