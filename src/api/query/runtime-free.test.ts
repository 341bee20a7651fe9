import { build, type Metafile } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const RUNTIME_BOUND = /node_modules\/(sharp|onnxruntime-node|onnxruntime-web|kafkajs|@qdrant|pino|prom-client|usearch)\//;

/** Bundles `entry` as for a runtime without Node's modules; returns what it pulled in, or the errors. */
async function neutralBundle(entry: string): Promise<{ inputs: string[]; errors: string[] }> {
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'silent',
    });
    return { inputs: Object.keys((result.metafile as Metafile).inputs), errors: [] };
  } catch (error) {
    return { inputs: [], errors: ((error as { errors?: { text: string }[] }).errors ?? []).map((e) => e.text) };
  }
}

describe('the query app', () => {
  it('bundles for a runtime without Node: no node: module, no native or server-only package', async () => {
    const { inputs, errors } = await neutralBundle(join(here, 'index.ts'));
    expect(errors).toEqual([]);
    expect(inputs.filter((p) => RUNTIME_BOUND.test(p))).toEqual([]);
    expect(inputs.some((p) => p.endsWith('api/query/query-app.ts'))).toBe(true);
  });

  it('the check can fail: the Node API app does not bundle that way', async () => {
    const { inputs, errors } = await neutralBundle(join(here, '../app.ts'));
    expect(errors.length > 0 || inputs.some((p) => RUNTIME_BOUND.test(p))).toBe(true);
  });
});
