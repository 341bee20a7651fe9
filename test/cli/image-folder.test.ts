import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discern, lastJsonLine } from '../support/discern-cli';

const metricKeys = ['recallAt1', 'mapAtR', 'rPrecision', 'nmi', 'knnAccuracy'] as const;

/**
 * Writes `perClass` RGB images of `width`×`height` per class, PNG and JPEG mixed: each class a
 * colour and a pattern over random dark noise.
 */
async function writeImageFolder(dir: string, width: number, height: number, perClass: number): Promise<string[]> {
  const classes = ['blue-dots', 'green-bars', 'grey-noise', 'red-squares', 'yellow-rings'];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [c, name] of classes.entries()) {
    mkdirSync(join(dir, name), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const pixels = Buffer.alloc(width * height * 3);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const on = [x % 10 < 3 && y % 10 < 3, x % 8 < 3, random() > 0.5, x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4, Math.abs(Math.hypot(x - width / 2, y - height / 2) - height / 3) < 3][c];
          const colour = [[30, 30, 220], [30, 200, 30], [128, 128, 128], [220, 30, 30], [220, 220, 30]][c];
          for (let ch = 0; ch < 3; ch++) pixels[(y * width + x) * 3 + ch] = on ? colour[ch] : Math.floor(random() * 60);
        }
      }
      await sharp(pixels, { raw: { width, height, channels: 3 } }).toFile(join(dir, name, `${k}.${k % 2 ? 'png' : 'jpg'}`));
    }
  }
  return classes;
}

describe('discern CLI on a folder of RGB images (--data DIR)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'discern-folder-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const { width, height, network, globalPool, stem, anchor, anchorWeight } of [
    { width: 48, height: 40, network: 'the recipe network', globalPool: 'flatten', stem: 1, anchor: [] as string[], anchorWeight: 100 },
    { width: 80, height: 64, network: 'the photo network', globalPool: 'avg', stem: 2, anchor: ['--input-similarity', '0'], anchorWeight: undefined },
  ]) {
    it(`trains on ${width}×${height} images with ${network} fitted to them, and evaluates unseen classes from checkpoint and ONNX alike`, async () => {
      const data = join(dir, `${width}x${height}`);
      await writeImageFolder(data, width, height, 12);
      const model = join(dir, `model-${width}`);
      const summary = lastJsonLine(await discern('train', '--data', data, '--classes', '0,1,2', '--steps', '3', '--p', '3', '--q', '4', '--out', model, ...anchor, '--json'));
      expect(summary.steps).toBe(3);
      expect(summary.items).toBe(36);

      const record = JSON.parse(readFileSync(join(model, 'training.json'), 'utf8'));
      expect(record.input).toEqual({ height, width, channels: 3 });
      expect(record.recipe.encoder.input).toEqual({ height, width, channels: 3 });
      expect(record.recipe.encoder).toMatchObject({ globalPool });
      expect(record.recipe.encoder.blocks[0].stride).toBe(stem);
      expect(record.recipe.inputSimilarity?.weight).toBe(anchorWeight);
      const session = await ort.InferenceSession.create(readFileSync(join(model, 'model.onnx')));
      const output = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(2 * height * width * 3).fill(100), [2, height, width, 3]) });
      expect(output[session.outputNames[0]].dims[0]).toBe(2);
      await session.release();

      const fromCheckpoint = lastJsonLine(await discern('eval', '--model', model, '--data', data, '--classes', '3,4', '--json'));
      const fromOnnx = lastJsonLine(await discern('eval', '--model', join(model, 'model.onnx'), '--data', data, '--classes', '3,4', '--json'));
      expect(fromCheckpoint.items).toBe(24);
      for (const key of metricKeys) expect(Math.abs(fromCheckpoint[key] - fromOnnx[key]), key).toBeLessThanOrEqual(1e-3);
      expect(Object.keys((fromCheckpoint as unknown as { mapAtRByClass: object }).mapAtRByClass)).toEqual(['3', '4']);
    });
  }

  it('evaluates a model on a folder of another image size by loading the images at the size the model takes', async () => {
    const model = join(dir, 'model-48');
    const other = join(dir, '80x64');
    const [fromCheckpoint, fromOnnx] = await Promise.all(
      [model, join(model, 'model.onnx')].map(async (target) => lastJsonLine(await discern('eval', '--model', target, '--data', other, '--classes', '3,4', '--json'))),
    );
    expect(fromCheckpoint.items).toBe(24);
    for (const key of metricKeys) expect(Math.abs(fromCheckpoint[key] - fromOnnx[key]), key).toBeLessThanOrEqual(1e-3);
    const wrong = await discern('eval', '--model', model, '--data', 'fashion-mnist', '--classes', '5,6');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--model takes 40×48×3 images; fashion-mnist images are 28×28×1/);
  });
});
