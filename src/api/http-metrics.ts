import { Counter, Histogram, type Registry } from 'prom-client';

/** The API's Prometheus metrics. */
export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  acceptedEvents: Counter<'topic'>;
  queueUnavailable: Counter<'topic'>;
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Registers (or reuses, when several apps share a registry) the API metrics.
 *
 * @example
 * const metrics = httpMetrics(new Registry());
 * metrics.acceptedEvents.inc({ topic: 'feedback' }, 1000);
 */
export function httpMetrics(registry: Registry): HttpMetrics {
  const registers = [registry];
  return {
    requests: reuse(registry, 'discern_http_requests_total', () =>
      new Counter({ name: 'discern_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers }),
    ),
    duration: reuse(registry, 'discern_http_request_duration_seconds', () =>
      new Histogram({
        name: 'discern_http_request_duration_seconds',
        help: 'HTTP request latency by route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
    ),
    acceptedEvents: reuse(registry, 'discern_events_accepted_total', () =>
      new Counter({ name: 'discern_events_accepted_total', help: 'Events durably accepted into the queue, by topic', labelNames: ['topic'], registers }),
    ),
    queueUnavailable: reuse(registry, 'discern_queue_unavailable_total', () =>
      new Counter({ name: 'discern_queue_unavailable_total', help: 'Publishes refused by the queue (answered 503), by topic', labelNames: ['topic'], registers }),
    ),
  };
}
