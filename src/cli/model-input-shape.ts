import { existsSync, readFileSync, statSync } from 'node:fs';
import { readOnnxModelInfo } from '../backbone';
import type { TrainingRecord } from './model-dir';
import { readPreprocessMetadata } from './model-preprocess';

export interface ModelImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * The raw image size a model takes, so a dataset can be loaded to fit it: a training
 * directory's recorded input (`record`, read by the caller), or an ONNX model's static NHWC input. Undefined where the model
 * resizes images itself (a user backbone) or its input size is not fixed.
 *
 * @example
 * const shape = modelImageShape('runs/photos', readTrainingRecord('runs/photos')); // { height: 40, width: 48, channels: 3 }
 */
export function modelImageShape(model: string, record: TrainingRecord | undefined): ModelImageShape | undefined {
  if (!existsSync(model)) return undefined;
  if (statSync(model).isFile()) {
    const bytes = new Uint8Array(readFileSync(model));
    if (readPreprocessMetadata(bytes)) return undefined;
    const dims = readOnnxModelInfo(bytes).input.dims;
    const [, height, width, channels] = dims;
    if (dims.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) return undefined;
    return { height, width, channels };
  }
  if (!record || record.backbone) return undefined;
  const { height, width, channels } = record.input;
  return channels === 1 || channels === 3 ? { height, width, channels } : undefined;
}
