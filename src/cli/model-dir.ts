import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PreprocessSpec } from '../backbone';
import type { TrainingRecipe } from '../recipes/training-recipe';

/**
 * What `discern train` records next to its checkpoints (`DIR/training.json`), so that
 * `discern eval` and `discern export` know how the model was made and what it takes.
 */
export interface TrainingRecord {
  recipe: TrainingRecipe;
  data: string;
  trainClasses: number[];
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
