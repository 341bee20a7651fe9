import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config';
import { runEmbeddedService } from './run';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start --seed fashion-mnist', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes the seeded catalog searchable with the first model version, without re-embedding it while it grows', async () => {
    dir = await mkdtemp(join(tmpdir(), 'discern-seed-'));
    // Labelled items are new signal; one training step per signal makes a version due at once
    // (none is due on a timer or a step count): only reading the backlog first holds it back.
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DISCERN_DATA_DIR: dir,
      FEEDBACK_TRAINING_STEPS: '1',
      PUBLISH_EVERY_SECONDS: '3600',
      PUBLISH_EVERY_STEPS: '100000',
      LOG_LEVEL: 'warn',
    });
    const { api, stop } = await runEmbeddedService(config, { seed: 'fashion-mnist', seedLimit: 600 });
    try {
      const total = 1_200;
      let model: any;
      const deadline = Date.now() + 90_000;
      do {
        await sleep(50);
        model = await (await fetch(`${api.url}/v1/model`)).json();
      } while (model.progress?.liveItems !== total && Date.now() < deadline);
      expect(model.progress.liveItems).toBe(total);
      // Every seeded item went live with the first version: the growing catalog was never re-embedded.
      expect(model.live.modelVersion).toBe('v000001');
      expect(model.history.map((v: { id: string }) => v.id)).toEqual(['v000001']);
      expect(model.progress.index).toMatchObject({ state: 'off' });
      const res = await fetch(`${api.url}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ itemId: 'fmnist-test-599', k: 5 }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { modelVersion: string; results: { id: string }[] };
      expect(body.modelVersion).toBe('v000001');
      expect(body.results).toHaveLength(5);
    } finally {
      await stop();
    }
  }, 150_000);
});
