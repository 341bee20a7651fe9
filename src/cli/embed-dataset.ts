import * as ort from 'onnxruntime-node';
import type { ImageDataset } from '../data';
import { itemSize } from '../data';
import { createLogger } from '../log/logger';
import { createProgress } from '../progress/progress';

const log = createLogger('embed');

/**
 * Embeds every image of a dataset with an exported ONNX encoder (raw 0–255 NHWC input).
 *
 * @example
 * const embeddings = await embedDatasetWithOnnx(readFileSync('model.onnx'), testSet);
 */
export async function embedDatasetWithOnnx(model: Uint8Array, dataset: ImageDataset, batchSize = 256): Promise<{ embeddings: Float32Array; dim: number }> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(process.env.ORT_THREADS ?? 2) });
  try {
    const n = dataset.labels.length;
    const size = itemSize(dataset);
    const progress = createProgress({ unit: 'images', total: n, log, message: 'embedding with onnxruntime' });
    let dim = 0;
    let embeddings = new Float32Array(0);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const input = Float32Array.from(dataset.images.subarray(start * size, (start + rows) * size));
      const output = await session.run({
        [session.inputNames[0]]: new ort.Tensor('float32', input, [rows, dataset.height, dataset.width, dataset.channels]),
      });
      const tensor = output[session.outputNames[0]];
      if (dim === 0) {
        dim = tensor.dims[tensor.dims.length - 1];
        embeddings = new Float32Array(n * dim);
      }
      embeddings.set(tensor.data as Float32Array, start * dim);
      progress.tick(rows);
    }
    progress.done();
    return { embeddings, dim };
  } finally {
    await session.release();
  }
}
