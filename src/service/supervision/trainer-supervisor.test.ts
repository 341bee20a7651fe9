import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger';
import { trainerRunOf } from '../trainer-thread/trainer-thread';
import { superviseTrainer, type RestartPolicy, type TrainerSupervisor } from './trainer-supervisor';

/**
 * A worker thread speaking the trainer's protocol, with a scripted fate: `fail` reports ENOSPC
 * and exits 1, `hang` blocks its event loop for good, `progress` checkpoints and keeps running.
 */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage({ type: 'started' });
const beat = () => parentPort.postMessage({
  type: 'heartbeat',
  metrics: [],
  snapshot: { phase: 'running', loopAt: Date.now(), ...(workerData.fate === 'progress' ? { checkpointAt: new Date().toISOString() } : {}) },
});
setInterval(beat, 50);
beat();
setTimeout(() => {
  if (workerData.fate === 'fail') {
    parentPort.postMessage({ type: 'failed', error: { name: 'Error', message: 'ENOSPC: no space left on device, write', code: 'ENOSPC' } });
    process.exit(1);
  }
  if (workerData.fate === 'hang') for (;;) {}
}, 100);
parentPort.on('message', (m) => { if (m.type === 'stop') { parentPort.postMessage({ type: 'stopped' }); process.exit(0); } });
`;

type Fate = 'fail' | 'hang' | 'progress';

const policy: RestartPolicy = { backoffSeconds: 0.1, backoffMaxSeconds: 0.4, maxFailures: 3, failureWindowSeconds: 60, heartbeatTimeoutSeconds: 1.5 };

describe('trainer supervisor (real worker threads)', () => {
  let supervisor: TrainerSupervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop(2000);
    supervisor = undefined;
  });

  function supervise(fates: Fate[], overrides: Partial<RestartPolicy> = {}) {
    const launches: number[] = [];
    supervisor = superviseTrainer({
      launch: () => {
        launches.push(Date.now());
        const fate = fates[Math.min(launches.length - 1, fates.length - 1)];
        return trainerRunOf(new Worker(SCRIPT, { eval: true, workerData: { fate } }));
      },
      policy: { ...policy, ...overrides },
      log: createLogger('test'),
    });
    supervisor.start();
    return { supervisor, launches };
  }

  async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('restarts a failing trainer with growing delays and reports it failing, with the reason, after maxFailures', async () => {
    const { supervisor, launches } = supervise(['fail']);
    await until('a restart', () => supervisor.health().restarts >= 1);
    expect(supervisor.health()).toMatchObject({ ok: true, lastError: 'ENOSPC: no space left on device, write (ENOSPC)' });
    const failing = await until('failing', () => (supervisor.health().state === 'failing' ? supervisor.health() : undefined));
    expect(failing.ok).toBe(false);
    expect(failing.recentFailures).toBeGreaterThanOrEqual(3);
    expect(failing.reason).toMatch(/^trainer failed \d+ times in the last 60 s \(last error: ENOSPC: no space left on device, write \(ENOSPC\)\)/);
    await until('four launches', () => launches.length >= 4);
    // 0.1 s, 0.2 s, 0.4 s (capped) on top of each run's own time: later gaps are no shorter.
    const gaps = launches.slice(1).map((t, i) => t - launches[i]);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
  });

  it('recovers by itself once a run makes durable progress', async () => {
    const { supervisor } = supervise(['fail', 'fail', 'fail', 'progress']);
    await until('failing', () => supervisor.health().state === 'failing');
    const healthy = await until('running again', () => (supervisor.health().state === 'running' && supervisor.health().ok ? supervisor.health() : undefined));
    expect(healthy.recentFailures).toBe(0);
    expect(healthy.restarts).toBe(3);
    expect(healthy.heartbeatAgeSeconds).toBeLessThan(1);
  });

  it('ends and restarts a trainer that stopped sending heartbeats, and is not ok while it is silent', async () => {
    const { supervisor, launches } = supervise(['hang', 'progress'], { maxFailures: 5 });
    const silent = await until('silence noticed', () => {
      const h = supervisor.health();
      return (h.heartbeatAgeSeconds ?? 0) > policy.heartbeatTimeoutSeconds && !h.ok ? h : undefined;
    });
    expect(silent.reason).toMatch(/no heartbeat for \d+ s/);
    await until('a second run', () => launches.length >= 2);
    const h = await until('running again', () => (supervisor.health().ok && supervisor.health().state === 'running' ? supervisor.health() : undefined));
    expect(h.restarts).toBe(1);
    expect(h.lastError).toMatch(/no heartbeat/);
  });

  it('stops the current run on stop(), and reports stopped', async () => {
    const { supervisor } = supervise(['progress']);
    await until('running', () => supervisor.health().state === 'running');
    await supervisor.stop();
    expect(supervisor.health()).toMatchObject({ ok: false, state: 'stopped', restarts: 0 });
  });
});
