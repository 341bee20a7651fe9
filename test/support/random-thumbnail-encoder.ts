import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { InputNormalization } from '../../src/encoder/layers/input-normalization';
import { L2Normalize } from '../../src/encoder/layers/l2-normalize';
import { exportToOnnx } from '../../src/onnx';
import { randomizeBatchNorm } from '../../src/onnx/testing/parity';

/**
 * A small untrained 28×28×1 CNN encoder (normalisation, conv/BN/ReLU/max-pool twice, dense,
 * L2) with weights drawn from `seed`, exported to ONNX. Each seed is a different model, which
 * is what version-swap tests need: embeddings of one version never pass for another's.
 *
 * ReLU features are all positive, so a random projection of them points everywhere in nearly
 * the same direction and neighbours differ only in the fifth decimal. The dense bias is set to
 * minus the projected mean feature of `sample`, which spreads the embeddings over the sphere.
 *
 * @example
 * const onnx = await randomThumbnailEncoderOnnx(7, 32, samplePixels); // raw NHWC 0–255 in, [N, 32] unit vectors out
 */
export async function randomThumbnailEncoderOnnx(seed: number, embeddingDim: number, sample: Float32Array): Promise<Uint8Array> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed * 101 + offset });
  const trunk = tfl.sequential({
    name: `trunk_${seed}`,
    layers: [
      new InputNormalization({ inputShape: [28, 28, 1], mean: [72.94], std: [90.02] }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }),
      tfl.layers.batchNormalization({}),
      tfl.layers.reLU({}),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: init(2) }),
      tfl.layers.batchNormalization({}),
      tfl.layers.reLU({}),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
    ],
  });
  randomizeBatchNorm(trunk, seed);
  const features = trunk.outputs[0].shape[1] as number;
  const dense = tfl.layers.dense({ units: embeddingDim, kernelInitializer: init(3), inputShape: [features] });
  const head = tfl.sequential({ name: `head_${seed}`, layers: [dense, new L2Normalize({})] });

  const n = sample.length / 784;
  if (!Number.isInteger(n) || n < 1) throw new Error(`sample: expected whole 28×28 images, got ${sample.length} values`);
  const session = await ort.InferenceSession.create(exportToOnnx(trunk));
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', sample, [n, 28, 28, 1]) });
  await session.release();
  const values = out[session.outputNames[0]].data as Float32Array;
  const mean = new Float32Array(features);
  for (let i = 0; i < n; i++) for (let j = 0; j < features; j++) mean[j] += values[i * features + j] / n;
  const [kernel] = dense.getWeights();
  const bias = tf.tidy(() => tf.reshape(tf.neg(tf.matMul(tf.tensor2d(mean, [1, features]), kernel)), [embeddingDim]));
  dense.setWeights([kernel, bias]);
  bias.dispose();

  const onnx = exportToOnnx({ frozen: trunk, head }, { docString: `random thumbnail encoder, seed ${seed}` });
  trunk.dispose();
  head.dispose();
  return onnx;
}
