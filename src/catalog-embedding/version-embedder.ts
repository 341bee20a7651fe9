/**
 * The model runner port of catalog embedding: embeds rows with a published model version
 * (onnxruntime-node sessions over the model store in production).
 *
 * @example
 * const vectors = await runtime.embed('v000003', pixels, [2, 28, 28, 1]); // 2 × dim values, row-major
 */
export interface VersionEmbedder {
  embed(version: string, input: Float32Array, shape: number[]): Promise<Float32Array>;
  /** Embeds rows with an ONNX model given as bytes (a candidate not yet stored), when the runtime can. */
  embedModel?(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array>;
}
