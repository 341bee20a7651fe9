import { inputSpecFromInfo, type ModelRunner } from '../../src/core/model-catalog';
import type { createModelSource } from './model-source';
import { runEmbedding } from './onnx-session';

/**
 * The edge's `ModelRunner`: versions loaded by the model source (R2 or a discern service) and
 * run with onnxruntime-web.
 *
 * @example
 * const models = createEdgeModelRunner(createModelSource(env));
 * const [embedding] = await models.embed('v000012', pixels, [1, 28, 28, 1]);
 */
export function createEdgeModelRunner(source: ReturnType<typeof createModelSource>): ModelRunner {
  return {
    async inputSpec(version) {
      return inputSpecFromInfo((await source.load(version)).info.input);
    },
    async embed(version, input, shape) {
      const { session } = await source.load(version);
      return runEmbedding(session, input, [...shape]);
    },
  };
}
