import path from 'node:path';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSynced } from '../../store/checkpoint-fs/durable-fs';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * A `tf.io.IOHandler` saving a LayersModel as `model.json` (topology + weights manifest, the
 * TF.js layers format) and `weights.bin` in `dir`, each file fsync'd.
 *
 * @example
 * await model.save(fsSaveHandler('/tmp/ckpt/head'));
 */
export function fsSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    if (!(artifacts.modelTopology !== null && typeof artifacts.modelTopology === 'object' && !(artifacts.modelTopology instanceof ArrayBuffer))) {
      throw new Error('fsSaveHandler: only JSON model topologies (LayersModel) are supported');
    }
    await fs.mkdir(dir, { recursive: true });
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    };
    await writeFileSynced(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
    await writeFileSynced(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/**
 * Reads what {@link fsSaveHandler} wrote back into model artifacts, ready for
 * `tfl.loadLayersModel(tf.io.fromMemory(artifacts))`.
 *
 * @example
 * const head = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts('/tmp/ckpt/head')));
 */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const modelJson = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map((p) => fs.readFile(path.join(dir, p))));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
  const expected = specs.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1) * (spec.dtype === 'bool' ? 1 : 4), 0);
  if (weightData.byteLength !== expected) throw new Error(`${dir}: weights file holds ${weightData.byteLength} bytes, manifest expects ${expected}`);
  return { modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy, weightSpecs: specs, weightData };
}
