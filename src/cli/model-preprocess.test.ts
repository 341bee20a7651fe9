import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTinyResNetOnnx } from '../backbone/testing/tiny-resnet-onnx';
import { parsePreprocessSpec } from '../backbone';
import { readPreprocessMetadata, withPreprocessMetadata } from './model-preprocess';

const spec = parsePreprocessSpec({ layout: 'NCHW', height: 28, width: 28, channels: 1, mean: [0.5], std: [0.25], scale: 1 / 255 });

async function run(model: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [2, 1, 28, 28]) });
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('preprocessing metadata of exported models', () => {
  it('round-trips the spec and leaves the graph computing the same outputs', async () => {
    const model = buildTinyResNetOnnx({ height: 28, width: 28, channels: 1, seed: 5 });
    const tagged = withPreprocessMetadata(model, spec);
    expect(readPreprocessMetadata(tagged)).toEqual(spec);
    const input = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.sin(i));
    expect(await run(tagged, input)).toEqual(await run(model, input));
  });

  it('is absent from models without it and replaced, not duplicated, when written twice', () => {
    const model = buildTinyResNetOnnx({ height: 28, width: 28, channels: 1 });
    expect(readPreprocessMetadata(model)).toBeUndefined();
    const other = parsePreprocessSpec({ ...spec, mean: [0.1] });
    expect(readPreprocessMetadata(withPreprocessMetadata(withPreprocessMetadata(model, spec), other))).toEqual(other);
  });
});
