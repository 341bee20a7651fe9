import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { TrainerHealthSource } from '../core/trainer-health';

/**
 * Serves a standalone trainer's Prometheus metrics (`GET /metrics`), liveness (`GET /healthz`)
 * and, given its health, readiness (`GET /readyz`: 503 with the reason while it fails), so a
 * trainer process without the API can still be scraped and health-checked.
 *
 * @example
 * const server = await startMetricsServer(trainer.registry, 9464, '0.0.0.0', inProcessTrainerHealth(trainer));
 */
export async function startMetricsServer(registry: Registry, port: number, hostname = '0.0.0.0', health?: TrainerHealthSource): Promise<{ port: number; close(): Promise<void> }> {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  if (health) {
    app.get('/readyz', (c) => {
      const trainer = health.health();
      return c.json({ status: trainer.ok ? 'ready' : 'unavailable', ...(trainer.ok ? {} : { reason: trainer.reason }), checks: { trainer } }, trainer.ok ? 200 : 503);
    });
  }
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
