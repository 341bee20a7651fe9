// One thread of the onnx thread pool: keeps a session per model key it was sent and embeds the
// rows it is given. onnxruntime-node's `run` holds the calling thread until the model is done, so
// embeds that are to run side by side need threads of their own. Plain JavaScript, so that it
// starts without a TypeScript loader from the sources and from the build alike.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const sessions = new Map();

parentPort.on('message', async (message) => {
  if (message.type === 'forget') {
    const session = sessions.get(message.key);
    sessions.delete(message.key);
    await session?.then((s) => s.release()).catch(() => undefined);
    return;
  }
  try {
    let session = sessions.get(message.key);
    if (!session) {
      session = ort.InferenceSession.create(message.onnx, { intraOpNumThreads: workerData.intraOpThreads, graphOptimizationLevel: 'all' });
      sessions.set(message.key, session);
      session.catch(() => sessions.delete(message.key));
    }
    const s = await session;
    const result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', message.input, message.shape) });
    const data = Float32Array.from(result[s.outputNames[0]].data);
    parentPort.postMessage({ id: message.id, data }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
