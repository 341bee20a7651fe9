import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * Serves a standalone trainer's Prometheus metrics (`GET /metrics`) and liveness (`GET /healthz`),
 * so a trainer process without the API can still be scraped and health-checked.
 *
 * @example
 * const server = await startMetricsServer(trainer.registry, 9464);
 */
export async function startMetricsServer(registry: Registry, port: number, hostname = '0.0.0.0'): Promise<{ port: number; close(): Promise<void> }> {
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
