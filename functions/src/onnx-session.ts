import * as ort from 'onnxruntime-web/wasm';
import ortWasmModule from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';

let initialised = false;

/**
 * Creates an onnxruntime-web session inside the Workers runtime. The runtime forbids compiling
 * WebAssembly from bytes, and ORT's loader would otherwise fetch its `.wasm`; so the module is
 * imported precompiled and handed to ORT while it instantiates (one thread: no workers here).
 *
 * @example
 * const session = await createOnnxSession(modelBytes);
 */
export async function createOnnxSession(model: Uint8Array): Promise<ort.InferenceSession> {
  if (initialised) return ort.InferenceSession.create(model);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // Any non-empty buffer stops ORT from fetching; the instantiate hook below ignores it.
  ort.env.wasm.wasmBinary = new ArrayBuffer(8);
  const instantiate = WebAssembly.instantiate;
  const hooked = async (_source: unknown, imports?: WebAssembly.Imports) => ({
    instance: await instantiate(ortWasmModule, imports),
    module: ortWasmModule,
  });
  (WebAssembly as { instantiate: unknown }).instantiate = hooked;
  try {
    const session = await ort.InferenceSession.create(model);
    initialised = true;
    return session;
  } finally {
    (WebAssembly as { instantiate: unknown }).instantiate = instantiate;
  }
}

/** Runs the encoder on a batch laid out as the model expects (`[N, ...shape]`). */
export async function runEmbedding(session: ort.InferenceSession, input: Float32Array, shape: number[]): Promise<Float32Array[]> {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, shape) };
  const output = await session.run(feeds);
  const tensor = output[session.outputNames[0]];
  const data = tensor.data as Float32Array;
  const dim = tensor.dims[tensor.dims.length - 1];
  const rows: Float32Array[] = [];
  for (let i = 0; i < shape[0]; i++) rows.push(data.slice(i * dim, (i + 1) * dim));
  return rows;
}
