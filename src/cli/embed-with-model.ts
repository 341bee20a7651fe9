import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxBackbone } from '../backbone';
import { itemSize, type ImageDataset } from '../data';
import { loadCheckpoint } from '../encoder';
import { createFsCheckpointStore } from '../store/checkpoint-fs';
import { createLogger } from '../log/logger';
import { createProgress } from '../progress/progress';
import { embedDatasetWithOnnx } from './embed-dataset';
import { readTrainingRecord } from './model-dir';
import { readPreprocessMetadata } from './model-preprocess';

const log = createLogger('embed');

/**
 * Embeds a dataset with what `--model` names: an ONNX file (raw NHWC pixels in, or the backbone
 * preprocessing recorded in a fused model's metadata), or a training
 * directory, whose TF.js checkpoint runs directly (through its backbone when it has one).
 *
 * @example
 * const { embeddings, dim } = await embedWithModel('runs/fm', testSet);
 */
export async function embedWithModel(model: string, dataset: ImageDataset): Promise<{ embeddings: Float32Array; dim: number; source: string }> {
  if (!existsSync(model)) throw new Error(`--model: '${model}' does not exist`);
  if (statSync(model).isFile()) {
    const bytes = new Uint8Array(readFileSync(model));
    return { ...(await embedDatasetWithOnnx(bytes, dataset, 256, readPreprocessMetadata(bytes))), source: 'onnx' };
  }
  const record = readTrainingRecord(model);
  const { encoder } = await loadCheckpoint(createFsCheckpointStore(model));
  try {
    let inputs: Float32Array | Uint8Array = dataset.images;
    if (record?.backbone) {
      const backbone = await OnnxBackbone.load(record.backbone.path, { preprocess: record.backbone.preprocess, cache: { directory: join(model, 'feature-cache') } });
      const size = itemSize(dataset);
      const rows = await backbone.features(
        Array.from(dataset.labels, (_, i) => ({
          id: dataset.ids?.[i] ?? `eval-${i}`,
          image: { data: dataset.images.subarray(i * size, (i + 1) * size), width: dataset.width, height: dataset.height, channels: dataset.channels as 1 | 3 },
        })),
      );
      await backbone.release();
      inputs = new Float32Array(rows.length * rows[0].length);
      rows.forEach((row, i) => (inputs as Float32Array).set(row, i * row.length));
    }
    const shape = encoder.inputShape;
    const rowSize = shape.reduce((a, b) => a * b, 1);
    const n = dataset.labels.length;
    if (!record?.backbone && itemSize(dataset) !== rowSize) {
      throw new Error(`--model takes ${shape.join('×')} inputs; the data's images are ${dataset.height}×${dataset.width}×${dataset.channels}`);
    }
    const embeddings = new Float32Array(n * encoder.dim);
    const progress = createProgress({ unit: 'images', total: n, log, message: 'embedding with the TF.js checkpoint' });
    const batch = 256;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      const out = tf.tidy(() => encoder.embed(tf.tensor(Float32Array.from(inputs.subarray(start * rowSize, (start + rows) * rowSize)), [rows, ...shape])));
      embeddings.set(out.dataSync() as Float32Array, start * encoder.dim);
      out.dispose();
      progress.tick(rows);
    }
    progress.done();
    return { embeddings, dim: encoder.dim, source: 'checkpoint' };
  } finally {
    encoder.dispose();
  }
}
