import * as ort from 'onnxruntime-node';
import { preprocessImage, type PreprocessSpec } from '../backbone';
import type { ImageDataset } from '../data';
import { itemSize } from '../data';
import { createLogger } from '../log/logger';
import { createProgress } from '../progress/progress';

const log = createLogger('embed');

/**
 * Embeds every image of a dataset with an exported ONNX encoder: raw 0–255 NHWC input, or, when
 * `preprocess` is given (a model fused with a backbone), the backbone's normalised input.
 *
 * @example
 * const embeddings = await embedDatasetWithOnnx(readFileSync('model.onnx'), testSet);
 */
export async function embedDatasetWithOnnx(model: Uint8Array, dataset: ImageDataset, batchSize = 256, preprocess?: PreprocessSpec): Promise<{ embeddings: Float32Array; dim: number }> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(process.env.ORT_THREADS ?? 2) });
  try {
    const n = dataset.labels.length;
    const size = itemSize(dataset);
    const progress = createProgress({ unit: 'images', total: n, log, message: 'embedding with onnxruntime' });
    let dim = 0;
    let embeddings = new Float32Array(0);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const input = preprocess
        ? await preprocessRows(dataset, start, rows, preprocess)
        : new ort.Tensor('float32', Float32Array.from(dataset.images.subarray(start * size, (start + rows) * size)), [rows, dataset.height, dataset.width, dataset.channels]);
      const output = await session.run({ [session.inputNames[0]]: input });
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

async function preprocessRows(dataset: ImageDataset, start: number, rows: number, spec: PreprocessSpec): Promise<ort.Tensor> {
  const size = itemSize(dataset);
  const rowSize = spec.channels * spec.height * spec.width;
  const values = new Float32Array(rows * rowSize);
  for (let r = 0; r < rows; r++) {
    const i = start + r;
    const image = { data: dataset.images.subarray(i * size, (i + 1) * size), width: dataset.width, height: dataset.height, channels: dataset.channels as 1 | 3 };
    values.set(await preprocessImage(image, spec), r * rowSize);
  }
  const dims = spec.layout === 'NCHW' ? [rows, spec.channels, spec.height, spec.width] : [rows, spec.height, spec.width, spec.channels];
  return new ort.Tensor('float32', values, dims);
}
