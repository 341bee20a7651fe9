import { z } from 'zod';

/**
 * How raw pixels become a backbone's input tensor: images are resized to `width`×`height`,
 * converted to `channels` (1 = greyscale, 3 = RGB), and each value becomes
 * `(pixel * scale - mean[c]) / std[c]`, laid out as `NCHW` (PyTorch) or `NHWC` (TF).
 * The torchvision ImageNet convention is `scale: 1/255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]`.
 */
export const preprocessSpecSchema = z
  .object({
    layout: z.enum(['NCHW', 'NHWC']),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    mean: z.array(z.number()).min(1),
    std: z.array(z.number().positive()).min(1),
    scale: z.number().positive().default(1),
  })
  .superRefine((spec, ctx) => {
    for (const field of ['mean', 'std'] as const) {
      if (spec[field].length !== 1 && spec[field].length !== spec.channels) {
        ctx.addIssue({ code: 'custom', path: [field], message: `needs 1 or ${spec.channels} values (one per channel), got ${spec[field].length}` });
      }
    }
  });

export type PreprocessSpec = z.output<typeof preprocessSpecSchema>;
export type PreprocessSpecInput = z.input<typeof preprocessSpecSchema>;

/**
 * Validates a preprocessing spec; errors name the offending field, e.g. `preprocess.std.1`.
 *
 * @example
 * const spec = parsePreprocessSpec({ layout: 'NCHW', height: 224, width: 224, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255 });
 */
export function parsePreprocessSpec(input: unknown): PreprocessSpec {
  const result = preprocessSpecSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `preprocess.${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid preprocessing spec: ${issues.join('; ')}`);
  }
  return result.data;
}
