import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { TrainerHealth } from '../core/trainer-health';
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

  it('answers /readyz from the trainer\'s health: 503 with the reason while it fails', async () => {
    let health: TrainerHealth = { ok: true, state: 'running', restarts: 0, recentFailures: 0, heartbeatAgeSeconds: 0 };
    const server = await startMetricsServer(new Registry(), 0, '127.0.0.1', { health: () => health });
    try {
      const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { trainer: { ok: true, state: 'running' } } });
      health = { ok: false, state: 'failing', reason: 'trainer failed: ENOSPC: no space left on device', restarts: 0, recentFailures: 1 };
      const failing = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      expect(failing.status).toBe(503);
      expect(await failing.json()).toMatchObject({ status: 'unavailable', reason: 'trainer failed: ENOSPC: no space left on device' });
    } finally {
      await server.close();
    }
  });
});
