import * as tf from '@tensorflow/tfjs-core';
import { Worker } from 'node:worker_threads';
import type { GradientReplicas, GradientReplicasOptions, LossOfEmbeddings } from '../offline-training/gradient-replicas-port';
import { abandoned, DY_HEADER_BYTES, type ReplicaCommand, type ReplicaReply, type ReplicaWorkerData } from './replica-protocol';

/**
 * Exact data-parallel gradients over worker threads, each running a replica of `encoder` on its
 * own TF.js backend. Every step splits the batch into `threads` parts; each replica runs the
 * training-mode forward pass of its part, this thread evaluates the loss (and miner) on the whole
 * batch's embeddings, so pairs across parts count as they do on one thread, and hands each replica
 * the gradient of that loss with respect to its rows; the replicas back-propagate it and the
 * parameter gradients are summed. The result equals `tf.variableGrads` of the loss of
 * `encoder.embedForTraining(x)` up to float rounding, for encoders without batch normalisation
 * (whose statistics would otherwise be taken per part). A replica that fails or exits fails the
 * step with its reason, and every later call.
 *
 * @example
 * const replicas = await startGradientReplicas({ encoder, threads: 2, maxRows: 160 });
 * const { value, grads } = await replicas.variableGrads(x, (e) => loss.compute(e, labels), loss.trainableVariables());
 * optimizer.applyGradients(grads);
 * await replicas.close();
 */
export async function startGradientReplicas(options: GradientReplicasOptions): Promise<ThreadedGradientReplicas> {
  const { encoder, threads } = options;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`threads must be a positive integer, got ${threads}`);
  if (encoder.config.batchNorm) throw new Error('data-parallel training needs an encoder without batch normalisation: its batch statistics would be taken per part');
  const backend = options.backend ?? tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`data-parallel training runs on the wasm or cpu backend, not '${backend}'`);
  const rowsPerReplica = Math.ceil(options.maxRows / threads);
  const entry = import.meta.url.endsWith('.ts') ? new URL('./replica-bootstrap.mjs', import.meta.url) : new URL('./replica-worker.js', import.meta.url);
  const variables = encoder.trainableVariables();
  const trainableCount = variables.reduce((n, v) => n + v.size, 0);
  const trainableBuffer = new SharedArrayBuffer(4 * trainableCount);
  const trainable = new Float32Array(trainableBuffer);
  const replicas = Array.from({ length: threads }, () =>
    startReplica(entry, {
      backend,
      config: encoder.config,
      dyBuffer: new SharedArrayBuffer(DY_HEADER_BYTES + 4 * rowsPerReplica * encoder.dim),
      trainableBuffer,
      gradientBuffer: new SharedArrayBuffer(4 * trainableCount),
    }),
  );
  const sum = new Float32Array(trainableCount);
  let failure: Error | undefined;
  let step = 0;
  const fail = (error: Error) => {
    failure ??= error;
    for (const r of replicas) r.abandon(step);
  };
  for (const r of replicas) r.onFailure(fail);
  const starting = failed();
  try {
    // A replica that cannot start (its backend, its encoder) fails this instead of leaving it waiting.
    await Promise.race([Promise.all(replicas.map((r) => r.next('ready'))), starting.promise]);
    const weights = flatten(encoder.allWeights());
    for (const r of replicas) r.send({ type: 'weights', weights });
  } catch (error) {
    await Promise.all(replicas.map((r) => r.stop()));
    throw error;
  } finally {
    starting.cancel();
  }

  return {
    threads,

    /**
     * `tf.variableGrads` of `lossOf(encoder.embedForTraining(x))` with respect to the encoder's
     * trainable variables and `lossVariables`, computed on the replicas.
     */
    async variableGrads(x: tf.Tensor, lossOf: LossOfEmbeddings, lossVariables: tf.Variable[] = []): Promise<{ value: tf.Scalar; grads: tf.NamedTensorMap }> {
      if (failure) throw failure;
      const rows = x.shape[0];
      if (rows > options.maxRows) throw new Error(`batch of ${rows} rows exceeds the replicas' ${options.maxRows}`);
      step++;
      const input = x.dataSync() as Float32Array;
      const rowSize = input.length / rows;
      flatten(variables, trainable);
      const parts = replicas.map((_, i) => [Math.min(rows, i * rowsPerReplica), Math.min(rows, (i + 1) * rowsPerReplica)] as const);
      const guard = failed();
      try {
        const embeddingsOf = replicas.map((r, i) => {
          const [from, to] = parts[i];
          const reply = r.next('embeddings');
          r.send({ type: 'step', step, rows: to - from, input: input.slice(from * rowSize, to * rowSize) });
          return reply;
        });
        const gradientsOf = replicas.map((r) => r.next('gradients'));
        const embeddings = await Promise.race([Promise.all(embeddingsOf), guard.promise]);
        const joined = new Float32Array(rows * encoder.dim);
        embeddings.forEach((e, i) => joined.set(e.data, parts[i][0] * encoder.dim));
        const whole = tf.variable(tf.tensor2d(joined, [rows, encoder.dim]), true);
        let value: tf.Scalar;
        let lossGrads: tf.NamedTensorMap;
        try {
          ({ value, grads: lossGrads } = tf.variableGrads(() => lossOf(whole), [whole, ...lossVariables]));
          const dy = lossGrads[whole.name].dataSync() as Float32Array;
          replicas.forEach((r, i) => r.answer(step, dy.subarray(parts[i][0] * encoder.dim, parts[i][1] * encoder.dim)));
          tf.dispose(lossGrads[whole.name]);
          delete lossGrads[whole.name];
        } finally {
          whole.dispose();
        }
        await Promise.race([Promise.all(gradientsOf), guard.promise]);
        sum.set(replicas[0].gradients);
        for (const r of replicas.slice(1)) {
          const g = r.gradients;
          for (let k = 0; k < sum.length; k++) sum[k] += g[k];
        }
        const grads: tf.NamedTensorMap = { ...lossGrads };
        let offset = 0;
        for (const v of variables) {
          grads[v.name] = tf.tensor(sum.subarray(offset, offset + v.size), v.shape);
          offset += v.size;
        }
        return { value, grads };
      } catch (error) {
        fail(error as Error);
        throw failure ?? error;
      } finally {
        guard.cancel();
      }
    },

    /** Stops every replica thread. */
    async close(): Promise<void> {
      failure ??= new Error('gradient replicas closed');
      for (const r of replicas) r.abandon(step);
      await Promise.all(replicas.map((r) => r.stop()));
    },

    /** Makes replica `index` fail (`throw`: an error reply; `exit`: its thread exits), for tests. */
    crashReplica(index: number, how: 'throw' | 'exit'): void {
      replicas[index].send({ type: 'crash', how });
    },
  };

  /** A promise rejected as soon as any replica fails, until cancelled. */
  function failed(): { promise: Promise<never>; cancel: () => void } {
    let cancel = () => {};
    const promise = new Promise<never>((_, reject) => {
      if (failure) return reject(failure);
      const listener = (error: Error) => reject(error);
      for (const r of replicas) r.onFailure(listener);
      cancel = () => {
        for (const r of replicas) r.offFailure(listener);
      };
    });
    promise.catch(() => {});
    return { promise, cancel };
  }
}

/** The replicas, with a way for tests to make one fail. */
export interface ThreadedGradientReplicas extends GradientReplicas {
  /** Makes replica `index` fail (`throw`: an error reply; `exit`: its thread exits). */
  crashReplica(index: number, how: 'throw' | 'exit'): void;
}

type Reply<T extends ReplicaReply['type']> = Extract<ReplicaReply, { type: T }>;

function startReplica(entry: URL, workerData: ReplicaWorkerData) {
  const worker = new Worker(entry, { workerData });
  const signal = new Int32Array(workerData.dyBuffer, 0, 1);
  const dyValues = new Float32Array(workerData.dyBuffer, DY_HEADER_BYTES);
  const waiting = new Map<string, { resolve: (reply: ReplicaReply) => void }>();
  const failureListeners = new Set<(error: Error) => void>();
  let stopping = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (error: Error) => {
    for (const listener of failureListeners) listener(error);
  };
  worker.on('message', (reply: ReplicaReply) => {
    if (reply.type === 'error') return fail(new Error(`gradient replica failed: ${reply.message}`));
    const waiter = waiting.get(reply.type);
    waiting.delete(reply.type);
    waiter?.resolve(reply);
  });
  worker.on('error', (error) => fail(new Error(`gradient replica failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    exited = true;
    if (!stopping) fail(new Error(`gradient replica thread exited with code ${code}`));
  });
  return {
    /** The gradients of its last step (valid once it replied `gradients`). */
    gradients: new Float32Array(workerData.gradientBuffer),
    next<T extends ReplicaReply['type']>(type: T): Promise<Reply<T>> {
      return new Promise((resolve) => waiting.set(type, { resolve: resolve as (reply: ReplicaReply) => void }));
    },
    send(command: ReplicaCommand): void {
      worker.postMessage(command);
    },
    /** Hands the replica the loss gradient of its rows for `step`. */
    answer(step: number, dy: Float32Array): void {
      dyValues.set(dy);
      Atomics.store(signal, 0, step);
      Atomics.notify(signal, 0);
    },
    /** Releases the replica if it waits for the gradient of `step`. */
    abandon(step: number): void {
      if (Atomics.load(signal, 0) === step) return;
      Atomics.store(signal, 0, abandoned(step));
      Atomics.notify(signal, 0);
    },
    onFailure(listener: (error: Error) => void): void {
      failureListeners.add(listener);
    },
    offFailure(listener: (error: Error) => void): void {
      failureListeners.delete(listener);
    },
    async stop(): Promise<void> {
      stopping = true;
      if (!exited) await worker.terminate();
      await exit;
    },
  };
}

function flatten(tensors: tf.Tensor[], out: Float32Array<ArrayBufferLike> = new Float32Array(tensors.reduce((n, t) => n + t.size, 0))): Float32Array<ArrayBufferLike> {
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}
