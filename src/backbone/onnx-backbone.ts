import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { createLogger } from '../log/logger';
import { FeatureCache, type FeatureCacheOptions } from './feature-cache';
import { preprocessImage, type BackboneImage } from './image-preprocessor';
import { readOnnxModelInfo, type ModelDim } from './onnx-model-info';
import { parsePreprocessSpec, type PreprocessSpec, type PreprocessSpecInput } from './preprocess-spec';

const log = createLogger('backbone');

/** One catalogue item to embed: a stable id and its image. */
export interface BackboneItem {
  id: string;
  image: BackboneImage;
}

export interface OnnxBackboneOptions {
  preprocess: PreprocessSpecInput;
  /** Which model output holds the features (default: the first). */
  outputName?: string;
  /** Most images per inference call (default 32); models with a fixed batch of 1 run one at a time. */
  maxBatchSize?: number;
  /** Feature cache settings; the namespace defaults to the backbone's fingerprint. */
  cache?: Partial<FeatureCacheOptions>;
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** How often features came from where, since the backbone was loaded. */
export interface BackboneStats {
  computed: number;
  memoryHits: number;
  diskHits: number;
}

/**
 * A user-supplied ONNX image model (e.g. a ResNet exported from PyTorch) used as a frozen
 * feature extractor. Each item's features are computed once and then served from the cache,
 * keyed by item id and a hash of the image bytes.
 *
 * @example
 * const backbone = await OnnxBackbone.load('resnet18.onnx', {
 *   preprocess: { layout: 'NCHW', height: 224, width: 224, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255 },
 *   cache: { directory: '.cache/features' },
 * });
 * const [features] = await backbone.features([{ id: 'sku-1', image: jpegBytes }]); // Float32Array(512)
 */
export class OnnxBackbone {
  private readonly counts: BackboneStats = { computed: 0, memoryHits: 0, diskHits: 0 };

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly spec: PreprocessSpec,
    readonly inputName: string,
    readonly outputName: string,
    /** Hash of the model bytes and preprocessing: features from different fingerprints never mix. */
    readonly fingerprint: string,
    private readonly maxBatchSize: number,
    private readonly cache: FeatureCache,
  ) {}

  static async load(source: string | Uint8Array, options: OnnxBackboneOptions): Promise<OnnxBackbone> {
    const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
    const spec = parsePreprocessSpec(options.preprocess);
    const info = readOnnxModelInfo(bytes);
    checkInputMatchesSpec(info.input.dims, spec);
    const outputName = options.outputName ?? info.outputs[0]?.name;
    if (!outputName || !info.outputs.some((o) => o.name === outputName)) {
      throw new Error(`options.outputName "${outputName}" is not an output of the model (outputs: ${info.outputs.map((o) => o.name).join(', ')})`);
    }
    const maxBatchSize = info.input.dims[0] === 1 ? 1 : (options.maxBatchSize ?? 32);
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new Error(`options.maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    const fingerprint = createHash('sha256').update(bytes).update(JSON.stringify(spec)).update(outputName).digest('hex').slice(0, 16);
    const session = await ort.InferenceSession.create(bytes, options.sessionOptions ?? {});
    const cache = new FeatureCache({ namespace: fingerprint, ...options.cache });
    log.info({ input: info.input, outputName, fingerprint, maxBatchSize }, 'backbone loaded');
    return new OnnxBackbone(session, spec, info.input.name, outputName, fingerprint, maxBatchSize, cache);
  }

  /** Feature rows (the backbone output flattened per item), in the order of `items`. */
  async features(items: BackboneItem[]): Promise<Float32Array[]> {
    const results: Float32Array[] = new Array(items.length);
    const pending = new Map<string, { key: { id: string; contentHash: string }; image: BackboneImage; indices: number[] }>();
    for (const [index, item] of items.entries()) {
      if (typeof item.id !== 'string' || item.id === '') throw new Error(`items[${index}].id must be a non-empty string`);
      const key = { id: item.id, contentHash: hashImage(item.image, `items[${index}].image`) };
      const pendingKey = `${key.id}\0${key.contentHash}`;
      const queued = pending.get(pendingKey);
      if (queued) {
        queued.indices.push(index);
        continue;
      }
      const hit = await this.cache.get(key);
      if (hit) {
        this.counts[hit.source === 'memory' ? 'memoryHits' : 'diskHits']++;
        results[index] = hit.features;
      } else {
        pending.set(pendingKey, { key, image: item.image, indices: [index] });
      }
    }
    const misses = [...pending.values()];
    for (let start = 0; start < misses.length; start += this.maxBatchSize) {
      const chunk = misses.slice(start, start + this.maxBatchSize);
      const rows = await this.run(await Promise.all(chunk.map((m) => preprocessImage(m.image, this.spec))));
      for (const [i, miss] of chunk.entries()) {
        await this.cache.set(miss.key, rows[i]);
        for (const index of miss.indices) results[index] = rows[i];
      }
      this.counts.computed += chunk.length;
    }
    return results;
  }

  /** Runs the model on already preprocessed rows, bypassing the cache. */
  async run(rows: Float32Array[]): Promise<Float32Array[]> {
    if (rows.length === 0) return [];
    const { layout, height, width, channels } = this.spec;
    const dims = layout === 'NCHW' ? [rows.length, channels, height, width] : [rows.length, height, width, channels];
    const batch = new Float32Array(rows.length * rows[0].length);
    rows.forEach((row, i) => batch.set(row, i * row.length));
    const outputs = await this.session.run({ [this.inputName]: new ort.Tensor('float32', batch, dims) }, [this.outputName]);
    const out = outputs[this.outputName];
    if (out.type !== 'float32') throw new Error(`backbone output "${this.outputName}" is ${out.type}, expected float32`);
    const data = out.data as Float32Array;
    const rowSize = data.length / rows.length;
    return rows.map((_, i) => data.slice(i * rowSize, (i + 1) * rowSize));
  }

  stats(): BackboneStats {
    return { ...this.counts };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function checkInputMatchesSpec(dims: ModelDim[], spec: PreprocessSpec): void {
  if (dims.length !== 4) throw new Error(`the backbone input must be a rank-4 image tensor, it has ${dims.length} dims`);
  const expected = spec.layout === 'NCHW' ? { channels: dims[1], height: dims[2], width: dims[3] } : { height: dims[1], width: dims[2], channels: dims[3] };
  for (const field of ['height', 'width', 'channels'] as const) {
    const modelDim = expected[field];
    if (typeof modelDim === 'number' && modelDim !== spec[field]) {
      throw new Error(`preprocess.${field} is ${spec[field]} but the model's ${spec.layout} input has ${modelDim}`);
    }
  }
}

function hashImage(image: BackboneImage, field: string): string {
  const hash = createHash('sha256');
  if (image instanceof Uint8Array) return hash.update(image).digest('hex');
  if (!image || !(image.data instanceof Uint8Array)) throw new Error(`${field} must be encoded image bytes or { data, width, height, channels }`);
  return hash.update(`${image.width}x${image.height}x${image.channels}:`).update(image.data).digest('hex');
}
