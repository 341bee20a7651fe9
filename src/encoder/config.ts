import { z } from 'zod';

const positiveInt = z.number().int().positive();

const normalizationSchema = z
  .object({
    /** Per-channel (or per-feature) mean in raw input units. */
    mean: z.array(z.number()).min(1),
    /** Per-channel (or per-feature) standard deviation; must be positive. */
    std: z.array(z.number().positive()).min(1),
  })
  .refine((n) => n.mean.length === n.std.length, { message: 'mean and std must have the same length', path: ['std'] });

const convBlockSchema = z.object({
  filters: positiveInt,
  kernelSize: positiveInt,
  stride: z.union([z.literal(1), z.literal(2)]).default(1),
  pool: z.enum(['max', 'avg']).nullable().default(null),
});

const headSchema = z.object({
  hidden: z.array(positiveInt).default([]),
  dim: positiveInt,
});

export const cnnEncoderConfigSchema = z
  .object({
    kind: z.literal('cnn'),
    input: z.object({ height: positiveInt, width: positiveInt, channels: positiveInt }),
    normalization: normalizationSchema,
    blocks: z.array(convBlockSchema).min(1),
    batchNorm: z.boolean().default(true),
    /** `avg`/`max`: pool each channel over the whole map; `flatten`: keep the spatial layout (H'×W'×C features). */
    globalPool: z.enum(['avg', 'max', 'flatten']).default('avg'),
    head: headSchema,
    /** `head`: only the projection head learns, the conv trunk is frozen; `all`: everything learns. */
    trainable: z.enum(['head', 'all']).default('all'),
    dropout: z.number().min(0).lt(1).default(0),
  })
  .superRefine((c, ctx) => {
    if (c.normalization.mean.length !== c.input.channels) {
      ctx.addIssue({ code: 'custom', path: ['normalization', 'mean'], message: `needs one value per input channel (${c.input.channels}), got ${c.normalization.mean.length}` });
    }
    let h = c.input.height;
    let w = c.input.width;
    c.blocks.forEach((block, i) => {
      h = Math.ceil(h / block.stride);
      w = Math.ceil(w / block.stride);
      if (block.pool) {
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      }
      if (h < 1 || w < 1) {
        ctx.addIssue({ code: 'custom', path: ['blocks', i], message: `downsamples a ${c.input.height}x${c.input.width} input to nothing; use fewer strides/pools` });
      }
    });
  });

/**
 * Length of the feature vector a CNN trunk hands to its head: the last block's filters after
 * global pooling, or height × width × filters of the last feature map when flattened.
 *
 * @example
 * cnnFeatureCount(parseEncoderConfig({ ...thumbnailCnnConfig(), globalPool: 'flatten' }) as CnnEncoderConfig); // 7 * 7 * 64
 */
export function cnnFeatureCount(config: CnnEncoderConfig): number {
  const filters = config.blocks[config.blocks.length - 1].filters;
  if (config.globalPool !== 'flatten') return filters;
  const { height, width } = cnnFeatureMapSize(config);
  return height * width * filters;
}

/** Spatial size of the last block's output: 'same' convolutions divide by their stride, 2×2 pools halve (rounding down). */
function cnnFeatureMapSize(config: Pick<CnnEncoderConfig, 'input' | 'blocks'>): { height: number; width: number } {
  let height = config.input.height;
  let width = config.input.width;
  for (const block of config.blocks) {
    height = Math.ceil(height / block.stride);
    width = Math.ceil(width / block.stride);
    if (block.pool) {
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
    }
  }
  return { height, width };
}

export const mlpEncoderConfigSchema = z
  .object({
    kind: z.literal('mlp'),
    input: z.object({ features: positiveInt }),
    hidden: z.array(positiveInt).default([]),
    dim: positiveInt,
    normalization: normalizationSchema.optional(),
    /** MLP encoders have no frozen trunk; `head` and `all` both train every dense layer. */
    trainable: z.enum(['head', 'all']).default('head'),
    batchNorm: z.boolean().default(false),
    dropout: z.number().min(0).lt(1).default(0),
  })
  .superRefine((c, ctx) => {
    if (c.normalization && c.normalization.mean.length !== 1 && c.normalization.mean.length !== c.input.features) {
      ctx.addIssue({ code: 'custom', path: ['normalization', 'mean'], message: `needs 1 or ${c.input.features} values, got ${c.normalization.mean.length}` });
    }
  });

export const encoderConfigSchema = z.discriminatedUnion('kind', [cnnEncoderConfigSchema, mlpEncoderConfigSchema]);

/** A validated encoder configuration, defaults filled in. */
export type EncoderConfig = z.output<typeof encoderConfigSchema>;
export type CnnEncoderConfig = z.output<typeof cnnEncoderConfigSchema>;
export type MlpEncoderConfig = z.output<typeof mlpEncoderConfigSchema>;
/** What callers may write: optional fields may be left out. */
export type EncoderConfigInput = z.input<typeof encoderConfigSchema>;

/**
 * Validates an encoder configuration and fills in defaults. Throws an error naming every
 * offending field, e.g. `encoder config: blocks.0.filters: Too small: expected number to be >0`.
 *
 * @example
 * const config = parseEncoderConfig({ kind: 'mlp', input: { features: 512 }, hidden: [256], dim: 64 });
 */
export function parseEncoderConfig(input: unknown): EncoderConfig {
  const result = encoderConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new Error(`encoder config: ${problems.join('; ')}`);
  }
  return result.data;
}
