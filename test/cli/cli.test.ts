import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyResNetOnnx } from '../../src/backbone/testing/tiny-resnet-onnx';
import { loadDataset } from '../../src/data';
import { discern, lastJsonLine } from '../support/discern-cli';

const metricKeys = ['recallAt1', 'recallAt2', 'recallAt4', 'recallAt8', 'mapAtR', 'rPrecision', 'nmi', 'knnAccuracy'] as const;

function expectSameMetrics(a: Record<string, number>, b: Record<string, number>): void {
  for (const key of metricKeys) expect(Math.abs(a[key] - b[key]), key).toBeLessThanOrEqual(1e-3);
}

async function onnxOutputs(model: string | Uint8Array, input: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(typeof model === 'string' ? readFileSync(model) : model);
  try {
    const out = await session.run({ [session.inputNames[0]]: input });
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Leave-one-out Recall@1 by brute force over cosine similarity: the reference for the CLI's figure. */
function bruteForceRecallAt1(embeddings: Float32Array, dim: number, labels: Int32Array): number {
  const n = labels.length;
  const unit = new Float32Array(embeddings.length);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += embeddings[i * dim + d] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = embeddings[i * dim + d] / norm;
  }
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let bestLabel = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += unit[i * dim + d] * unit[j * dim + d];
      if (dot > best) {
        best = dot;
        bestLabel = labels[j];
      }
    }
    if (bestLabel === labels[i]) hits++;
  }
  return hits / n;
}

describe('discern CLI, end to end as child processes', () => {
  let dir: string;
  let model: string;
  let evalSet: Awaited<ReturnType<typeof loadDataset>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'discern-cli-'));
    model = join(dir, 'model');
    evalSet = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: [5, 6] });
    const train = await discern('train', '--data', 'fashion-mnist', '--classes', '0,1', '--limit', '600', '--steps', '20', '--out', model, '--recipe', 'fast', '--json');
    const summary = lastJsonLine(train);
    expect(summary.steps).toBe(20);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('train writes a checkpoint, its ONNX export and the training record', () => {
    for (const file of ['model.onnx', 'training.json', 'checkpoints']) expect(existsSync(join(model, file)), file).toBe(true);
    const record = JSON.parse(readFileSync(join(model, 'training.json'), 'utf8'));
    expect(record.trainClasses).toEqual([0, 1]);
    expect(record.recipe.name).toBe('fast');
  });

  it('eval of the checkpoint and of its ONNX export give the same metrics, matching a brute-force Recall@1', async () => {
    const fromCheckpoint = lastJsonLine(await discern('eval', '--model', model, '--data', 'fashion-mnist', '--classes', '5,6', '--json'));
    const fromOnnx = lastJsonLine(await discern('eval', '--model', join(model, 'model.onnx'), '--data', 'fashion-mnist', '--classes', '5,6', '--json'));
    for (const key of metricKeys) {
      expect(fromCheckpoint[key], key).toBeGreaterThanOrEqual(0);
      expect(fromCheckpoint[key], key).toBeLessThanOrEqual(1);
    }
    expect(fromCheckpoint.items).toBe(2000);
    expectSameMetrics(fromCheckpoint, fromOnnx);

    const n = evalSet.labels.length;
    const input = new ort.Tensor('float32', Float32Array.from(evalSet.images), [n, 28, 28, 1]);
    const embeddings = await onnxOutputs(join(model, 'model.onnx'), input);
    expect(Math.abs(bruteForceRecallAt1(embeddings, embeddings.length / n, evalSet.labels) - fromOnnx.recallAt1)).toBeLessThanOrEqual(1e-3);
  });

  it('raw-pixel baseline on classes 5-9 reaches its known figures', async () => {
    const run = await discern('eval', '--baseline', 'raw-pixels', '--data', 'fashion-mnist', '--classes', '5-9', '--json');
    const metrics = lastJsonLine(run);
    expect(metrics.items).toBe(5000);
    // Per class, pixels find shirts (0.708) but almost never sandals (0.048).
    const byClass = (metrics as unknown as { mapAtRByClass: Record<string, number> }).mapAtRByClass;
    expect(Object.keys(byClass)).toEqual(['5', '6', '7', '8', '9']);
    expect(Math.abs(byClass['5'] - 0.048)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(byClass['6'] - 0.708)).toBeLessThanOrEqual(0.005);
    expect(run.stdout).toMatch(/5 Sandal\s+1000\s+0\.048/);
    expect(Math.abs(metrics.recallAt1 - 0.908)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(metrics.mapAtR - 0.471)).toBeLessThanOrEqual(0.005);
  });

  it('export writes an ONNX model computing what model.onnx computes', async () => {
    const out = join(dir, 'exported.onnx');
    const run = await discern('export', '--model', model, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const input = new ort.Tensor('float32', Float32Array.from(evalSet.images.subarray(0, 64 * 784)), [64, 28, 28, 1]);
    const [exported, trained] = [await onnxOutputs(out, input), await onnxOutputs(join(model, 'model.onnx'), input)];
    expect(exported.length).toBe(trained.length);
    let worst = 0;
    for (let i = 0; i < exported.length; i++) worst = Math.max(worst, Math.abs(exported[i] - trained[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses to evaluate on classes used in training', async () => {
    const run = await discern('eval', '--model', model, '--data', 'fashion-mnist', '--classes', '1,5', '--json');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--classes: 1 Trouser were used in training/);
  });

  it('refuses the training classes for an ONNX export too, which records them, and takes class names', async () => {
    const exported = join(dir, 'copy.onnx');
    expect((await discern('export', '--model', model, '--out', exported)).code).toBe(0);
    for (const onnxFile of [join(model, 'model.onnx'), exported]) {
      const run = await discern('eval', '--model', onnxFile, '--data', 'fashion-mnist', '--classes', 'Trouser,Sandal');
      expect(run.code, onnxFile).not.toBe(0);
      expect(run.stderr).toMatch(/--classes: 1 Trouser were used in training/);
    }
    const byName = lastJsonLine(await discern('eval', '--model', exported, '--data', 'fashion-mnist', '--classes', 'sandal,Shirt', '--json'));
    expect(byName.classes).toBe('5,6');
    const record = JSON.parse(readFileSync(join(model, 'training.json'), 'utf8'));
    expect(record.trainClassNames).toEqual(['T-shirt/top', 'Trouser']);
  });

  it.each([
    [['eval', '--baseline', 'raw-pixels', '--data', 'fashion-mnist', '--classes', 'x'], /--classes: no class named 'x'/],
    [['train', '--data', 'fashion-mnist', '--classes', '0,1', '--out', 'unused', '--p', '0'], /--p must be a positive integer, got '0'/],
    [['train', '--data', 'fashion-mnist', '--out', 'unused', '--steps', 'many'], /--steps must be a positive integer/],
    [['train', '--data', 'fashion-mnist', '--out', 'unused', '--input-similarity', '-1'], /--input-similarity must be a non-negative number, got '-1'/],
    [['train', '--data', 'fashion-mnist', '--out', 'unused', '--loss', 'hinge'], /--loss/],
  ])('rejects bad options with a message naming them: %j', async (args, message) => {
    const run = await discern(...args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it('trains a head on a user backbone, fuses it on export, and the fused model matches the checkpoint', async () => {
    const backbone = join(dir, 'tiny-resnet.onnx');
    writeFileSync(backbone, buildTinyResNetOnnx({ height: 28, width: 28, channels: 1, features: 16, seed: 3 }));
    const headDir = join(dir, 'head');
    const summary = lastJsonLine(await discern('train', '--backbone', backbone, '--data', 'fashion-mnist', '--classes', '0,1', '--limit', '300', '--steps', '10', '--out', headDir, '--recipe', 'fast', '--json'));
    expect(summary.steps).toBe(10);
    const record = JSON.parse(readFileSync(join(headDir, 'training.json'), 'utf8'));
    expect(record.backbone.path).toBe(backbone);

    const fused = join(dir, 'fused.onnx');
    const exported = await discern('export', '--model', headDir, '--out', fused);
    expect(exported.code, exported.stderr).toBe(0);
    const fromCheckpoint = lastJsonLine(await discern('eval', '--model', headDir, '--data', 'fashion-mnist', '--classes', '5,6', '--json'));
    const fromFused = lastJsonLine(await discern('eval', '--model', fused, '--data', 'fashion-mnist', '--classes', '5,6', '--json'));
    expectSameMetrics(fromCheckpoint, fromFused);
  });
});
