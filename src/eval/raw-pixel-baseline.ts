import { evaluateEmbeddings, type EvaluationOptions, type RetrievalMetrics } from './evaluate-embeddings';

/**
 * The floor any learned embedding must beat: retrieval metrics of the raw pixel values used
 * directly as embeddings (cosine distance unless `options` says otherwise).
 *
 * @example
 * const test = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: [5, 6, 7, 8, 9] });
 * await rawPixelBaseline(test.images, test.labels); // recallAt1 ≈ 0.91
 */
export async function rawPixelBaseline(images: Uint8Array, labels: Int32Array, options: EvaluationOptions = {}): Promise<RetrievalMetrics> {
  if (labels.length === 0 || images.length % labels.length !== 0) {
    throw new Error(`images has ${images.length} values, not a whole number of pixels per each of the ${labels.length} labels`);
  }
  return evaluateEmbeddings(Float32Array.from(images), images.length / labels.length, labels, options);
}
