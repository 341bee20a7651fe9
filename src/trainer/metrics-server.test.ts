import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from './metrics-server';

describe('trainer metrics server', () => {
  it('serves the registry in Prometheus text format and answers health checks', async () => {
    const registry = new Registry();
    const steps = new Counter({ name: 'discern_test_steps_total', help: 'steps', registers: [registry] });
    steps.inc(7);
    const server = await startMetricsServer(registry, 0, '127.0.0.1');
    try {
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^discern_test_steps_total 7$/m);
      const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await server.close();
    }
  });
});
