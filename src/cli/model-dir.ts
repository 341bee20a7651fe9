import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PreprocessSpec } from '../backbone';
import { readModelMetadata, withModelMetadata } from '../onnx/model-metadata';
import type { TrainingRecipe } from '../recipes/training-recipe';

/**
 * What `discern train` records next to its checkpoints (`DIR/training.json`), so that
 * `discern eval` and `discern export` know how the model was made and what it takes.
 */
export interface TrainingRecord {
  recipe: TrainingRecipe;
  data: string;
  trainClasses: number[];
  /** The training classes' names, in the order of `trainClasses` (folder names for image folders). */
  trainClassNames?: string[];
  input: { height: number; width: number; channels: number };
  /** A user backbone serving as the frozen part: its file and preprocessing. */
  backbone?: { path: string; preprocess: PreprocessSpec };
  summary: Record<string, unknown>;
  finishedAt: string;
}

export const TRAINING_RECORD = 'training.json';
export const MODEL_ONNX = 'model.onnx';

export function writeTrainingRecord(dir: string, record: TrainingRecord): Promise<void> {
  return writeFileAtomic(join(dir, TRAINING_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export function readTrainingRecord(dir: string): TrainingRecord | undefined {
  const path = join(dir, TRAINING_RECORD);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as TrainingRecord) : undefined;
}

/** ONNX metadata key under which an exported model records the data and classes it was trained on. */
export const TRAINING_METADATA_KEY = 'discern.training';

/** What an ONNX file says of its training, so `eval` can refuse its training classes. */
export type TrainingProvenance = Pick<TrainingRecord, 'data' | 'trainClasses' | 'trainClassNames'>;

/**
 * Stamps an exported model with the data and classes it was trained on.
 *
 * @example
 * writeFileSync('model.onnx', withTrainingProvenance(bytes, { data: 'fashion-mnist', trainClasses: [0, 1, 2, 3, 4] }));
 */
export function withTrainingProvenance(model: Uint8Array, provenance: TrainingProvenance): Uint8Array {
  const { data, trainClasses, trainClassNames } = provenance;
  return withModelMetadata(model, TRAINING_METADATA_KEY, JSON.stringify({ data, trainClasses, trainClassNames }));
}

/**
 * How a model was trained: the training directory's record, or for an ONNX file what its
 * metadata says (undefined for files from elsewhere).
 *
 * @example
 * readTrainingProvenance('runs/fm/model.onnx'); // { data: 'fashion-mnist', trainClasses: [0, 1, 2, 3, 4], … }
 */
export function readTrainingProvenance(model: string): TrainingProvenance | undefined {
  if (existsSync(model) && statSync(model).isFile()) {
    const value = readModelMetadata(new Uint8Array(readFileSync(model)), TRAINING_METADATA_KEY);
    return value ? (JSON.parse(value) as TrainingProvenance) : undefined;
  }
  return readTrainingRecord(model);
}
