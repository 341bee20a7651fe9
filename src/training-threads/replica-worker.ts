import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../backend/select-backend';
import { createEncoder } from '../encoder/encoder';
import { createLogger } from '../log/logger';
import { abandoned, DY_HEADER_BYTES, type ReplicaCommand, type ReplicaReply, type ReplicaWorkerData } from './replica-protocol';

// One data-parallel gradient replica: the trainer's encoder on its own TF.js backend, running the
// forward and backward passes of its share of every batch.
const data = workerData as ReplicaWorkerData;
const port = parentPort!;
const signal = new Int32Array(data.dyBuffer, 0, 1);
const dyValues = new Float32Array(data.dyBuffer, DY_HEADER_BYTES);
const trainable = new Float32Array(data.trainableBuffer);
const gradients = new Float32Array(data.gradientBuffer);

await selectBackend(data.backend, { log: createLogger('gradient-replica'), env: {} });
const encoder = createEncoder(data.config);
const variables = encoder.trainableVariables();
const send = (reply: ReplicaReply) => port.postMessage(reply);

port.on('message', (command: ReplicaCommand) => {
  try {
    if (command.type === 'weights') setAll(command.weights);
    else if (command.type === 'step') step(command);
    else if (command.how === 'exit') process.exit(3);
    else throw new Error('replica asked to fail');
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
send({ type: 'ready' });

function step(command: Extract<ReplicaCommand, { type: 'step' }>): void {
  assignFlat(variables, trainable);
  const x = tf.tensor(command.input, [command.rows, ...encoder.inputShape]);
  try {
    // The backward pass needs the gradient of the loss on the whole batch, which the trainer
    // computes from every replica's embeddings: waiting for it inside the taped function keeps
    // this pass's tape instead of running the forward pass a second time.
    const { value, grads } = tf.variableGrads(() => {
      const embeddings = encoder.embedForTraining(x);
      send({ type: 'embeddings', step: command.step, data: embeddings.dataSync() as Float32Array });
      for (let seen = Atomics.load(signal, 0); seen !== command.step; seen = Atomics.load(signal, 0)) {
        if (seen === abandoned(command.step)) throw new Error(`step ${command.step} abandoned`);
        Atomics.wait(signal, 0, seen);
      }
      const dy = tf.tensor(dyValues.slice(0, embeddings.size), embeddings.shape);
      return tf.sum(tf.mul(embeddings, dy));
    }, variables);
    value.dispose();
    let offset = 0;
    for (const v of variables) {
      const g = grads[v.name];
      if (g) gradients.set(g.dataSync() as Float32Array, offset);
      else gradients.fill(0, offset, offset + v.size);
      offset += v.size;
    }
    tf.dispose(Object.values(grads));
    send({ type: 'gradients', step: command.step });
  } finally {
    x.dispose();
  }
}

function setAll(flat: Float32Array): void {
  const weights = [...encoder.featureExtractor.weights, ...encoder.head.weights].map((w) => w.read() as tf.Variable);
  assignFlat(weights, flat);
}

function assignFlat(targets: tf.Variable[], flat: Float32Array): void {
  let offset = 0;
  for (const v of targets) {
    const value = tf.tensor(flat.subarray(offset, offset + v.size), v.shape);
    v.assign(value);
    value.dispose();
    offset += v.size;
  }
  if (offset !== flat.length) throw new Error(`weights hold ${flat.length} values, the encoder ${offset}`);
}
