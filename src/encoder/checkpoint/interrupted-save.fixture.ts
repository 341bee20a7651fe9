// Run by checkpoints.test.ts in a child process: saves a checkpoint into argv[2] and is
// SIGKILLed from inside the save (the meta's toJSON runs after the model files are written,
// before the manifest and the rename), which is what a crash mid-write looks like on disk.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../encoder';
import { thumbnailCnnConfig } from '../default-configs';
import { createFsCheckpointStore } from '../../store/checkpoint-fs';
import { saveCheckpoint } from './checkpoints';

await tf.setBackend('cpu');
const encoder = createEncoder(thumbnailCnnConfig({ blocks: [{ filters: 4, kernelSize: 3, stride: 2, pool: 'max' }], head: { hidden: [8], dim: 4 } }));
const crash = { toJSON: () => process.kill(process.pid, 'SIGKILL') };
await saveCheckpoint(createFsCheckpointStore(process.argv[2]), encoder, { step: 2, crash });
