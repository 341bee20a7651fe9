import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointDraft, CheckpointStore } from '../../core/checkpoint-store';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * A `tf.io.IOHandler` saving a LayersModel into a checkpoint draft as `<folder>/model.json`
 * (topology + weights manifest, the TF.js layers format) and `<folder>/weights.bin`.
 *
 * @example
 * await model.save(checkpointSaveHandler(draft, 'head'));
 */
export function checkpointSaveHandler(draft: CheckpointDraft, folder: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    if (!(artifacts.modelTopology !== null && typeof artifacts.modelTopology === 'object' && !(artifacts.modelTopology instanceof ArrayBuffer))) {
      throw new Error('checkpointSaveHandler: only JSON model topologies (LayersModel) are supported');
    }
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    };
    await draft.writeFile(`${folder}/${WEIGHTS_FILE}`, new Uint8Array(weightData));
    await draft.writeFile(`${folder}/${MODEL_FILE}`, JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/**
 * Reads what {@link checkpointSaveHandler} wrote back into model artifacts, ready for
 * `tfl.loadLayersModel(tf.io.fromMemory(artifacts))`.
 *
 * @example
 * const head = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(store, 'v000003', 'head')));
 */
export async function readModelArtifacts(store: CheckpointStore, version: string, folder: string): Promise<tf.io.ModelArtifacts> {
  const text = new TextDecoder().decode(await store.readFile(version, `${folder}/${MODEL_FILE}`));
  const modelJson = JSON.parse(text) as tf.io.ModelJSON;
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map((p) => store.readFile(version, `${folder}/${p}`)));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
  const expected = specs.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1) * (spec.dtype === 'bool' ? 1 : 4), 0);
  if (weightData.byteLength !== expected) throw new Error(`${version}/${folder}: weights file holds ${weightData.byteLength} bytes, manifest expects ${expected}`);
  return { modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy, weightSpecs: specs, weightData };
}
