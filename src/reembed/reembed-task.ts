import { z } from 'zod';
import type { CatalogRow } from '../catalog-embedding/catalog-embedder';

const payloadSchema = z.object({
  label: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/**
 * One share of a catalog to embed with a model version: the items' ids and payloads and their
 * encoder inputs, row-major, base64 — as bytes (`u8`) when every value is an integer in 0–255
 * (raw pixels, a quarter of the size), else as little-endian float32 (`f32`).
 */
export const reembedTaskSchema = z.object({
  version: z.string().min(1),
  collection: z.string().min(1),
  /** Index of this share, 0…shares−1. */
  share: z.number().int().min(0),
  shares: z.number().int().min(1),
  /** Shape of one input row, e.g. `[28, 28, 1]`. */
  rowShape: z.array(z.number().int().positive()).min(1),
  items: z.array(z.object({ id: z.string().min(1), payload: payloadSchema })),
  encoding: z.enum(['u8', 'f32']),
  inputs: z.string(),
});

export type ReembedTask = z.infer<typeof reembedTaskSchema>;

/** A worker's reply: the share is in the collection (`written` points, `skipped` left out, `refused` saying which and why). */
export const reembedDoneSchema = z.object({
  version: z.string().min(1),
  share: z.number().int().min(0),
  written: z.number().int().min(0),
  skipped: z.number().int().min(0),
  /** The rows left out (a non-finite embedding, or a point the store refused), each with its reason. */
  refused: z.array(z.object({ id: z.string(), reason: z.string() })).optional(),
  /** Who embedded it, e.g. `reembed@host:1234`. */
  worker: z.string(),
  /** The collection no longer existed (its version was abandoned): nothing was written. */
  abandoned: z.boolean().optional(),
});

export type ReembedDone = z.infer<typeof reembedDoneSchema>;

/**
 * Builds the task for one share.
 *
 * @example
 * const task = encodeReembedTask({ version: 'v000003', collection: 'catalog_v000003', share: 0, shares: 4, rowShape: [28, 28, 1] }, items);
 * await queue.publish('reembed-tasks', [{ key: `${task.version}/${task.share}`, value: JSON.stringify(task) }]);
 */
export function encodeReembedTask(header: Omit<ReembedTask, 'items' | 'encoding' | 'inputs'>, items: CatalogRow[]): ReembedTask {
  const rowSize = header.rowShape.reduce((a, b) => a * b, 1);
  const asBytes = items.every((item) => item.input.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  const buffer = asBytes ? Buffer.alloc(items.length * rowSize) : Buffer.alloc(items.length * rowSize * 4);
  items.forEach((item, i) => {
    if (item.input.length !== rowSize) throw new RangeError(`items[${i}].input: expected ${rowSize} values, got ${item.input.length}`);
    if (asBytes) buffer.set(item.input, i * rowSize);
    else for (let j = 0; j < rowSize; j++) buffer.writeFloatLE(item.input[j], (i * rowSize + j) * 4);
  });
  return {
    ...header,
    items: items.map((item) => ({ id: item.id, payload: item.payload })),
    encoding: asBytes ? 'u8' : 'f32',
    inputs: buffer.toString('base64'),
  };
}

/**
 * The encoder inputs of a task as one row-major `Float32Array` (`items.length` rows).
 * Throws naming `inputs` when their size does not match the items and row shape.
 *
 * @example
 * const rows = decodeTaskInputs(task); // rows.length === task.items.length * 784
 */
export function decodeTaskInputs(task: ReembedTask): Float32Array {
  const rowSize = task.rowShape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.from(task.inputs, 'base64');
  const expected = task.items.length * rowSize * (task.encoding === 'u8' ? 1 : 4);
  if (bytes.length !== expected) throw new RangeError(`inputs: expected ${expected} bytes for ${task.items.length} rows of ${rowSize}, got ${bytes.length}`);
  if (task.encoding === 'u8') return Float32Array.from(bytes);
  const out = new Float32Array(task.items.length * rowSize);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** The queue key of a task: shares of one version spread over the partitions. */
export function taskKey(task: Pick<ReembedTask, 'version' | 'share'>): string {
  return `${task.version}/${task.share}`;
}
