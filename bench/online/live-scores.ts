import { itemSize, type ImageDataset } from '../../src/data';
import { evaluateEmbeddings, rawPixelBaseline } from '../../src/eval';
import type { VersionEmbedder } from '../../src/trainer/publisher';

/** Held-out test items of one group of classes, as encoder input and labels. */
export interface EvaluationSet {
  name: string;
  inputs: Float32Array;
  pixels: Uint8Array;
  labels: Int32Array;
}

/** Retrieval quality of one embedding of an evaluation set (each item querying the others). */
export interface SetScore {
  mapAtR: number;
  recallAt1: number;
  /** MAP@R of each class's queries (within the whole set), keyed by class. */
  mapAtRByClass: Record<number, number>;
  /** The embeddings scored (a model version's), for paired comparisons between versions. */
  vectors?: Float32Array;
}

/**
 * The test items of `classes`, at most `perClass` of each.
 *
 * @example
 * const seen = evaluationSet('seen', test, [0, 1, 3], 200);
 */
export function evaluationSet(name: string, test: ImageDataset, classes: number[], perClass: number): EvaluationSet {
  const counts = new Map<number, number>();
  const rows = [...test.labels.keys()].filter((i) => {
    const c = test.labels[i];
    if (!classes.includes(c) || (counts.get(c) ?? 0) >= perClass) return false;
    counts.set(c, (counts.get(c) ?? 0) + 1);
    return true;
  });
  return evaluationRows(name, test, rows);
}

/**
 * The given rows of a test split as an evaluation set.
 *
 * @example
 * const heldOut = evaluationRows('held out', test, [3, 17, 40]);
 */
export function evaluationRows(name: string, test: ImageDataset, rows: number[]): EvaluationSet {
  const size = itemSize(test);
  const pixels = new Uint8Array(rows.length * size);
  rows.forEach((i, k) => pixels.set(test.images.subarray(i * size, (i + 1) * size), k * size));
  return { name, inputs: Float32Array.from(pixels), pixels, labels: Int32Array.from(rows, (i) => test.labels[i]) };
}

/**
 * MAP@R and R@1 of a published model version on a set, embedded with the service's own
 * onnxruntime sessions.
 *
 * @example
 * await versionScore(runtime, 'v000004', seen); // { mapAtR: 0.41, recallAt1: 0.83 }
 */
export async function versionScore(runtime: VersionEmbedder, version: string, set: EvaluationSet): Promise<SetScore> {
  const n = set.labels.length;
  const vectors = await runtime.embed(version, set.inputs, [n, 28, 28, 1]);
  const metrics = await evaluateEmbeddings(vectors, vectors.length / n, set.labels);
  return { mapAtR: metrics.mapAtR, recallAt1: metrics.recallAt1, mapAtRByClass: metrics.mapAtRByClass, vectors };
}

/**
 * The same figures for cosine on raw pixels: the reference a trained model must beat.
 *
 * @example
 * await rawScore(seen); // { mapAtR: 0.25, recallAt1: 0.8 }
 */
export async function rawScore(set: EvaluationSet): Promise<SetScore> {
  const metrics = await rawPixelBaseline(set.pixels, set.labels);
  return { mapAtR: metrics.mapAtR, recallAt1: metrics.recallAt1, mapAtRByClass: metrics.mapAtRByClass };
}
