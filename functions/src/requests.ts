import { z } from 'zod';

const pixels = z.object({
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
  channels: z.union([z.literal(1), z.literal(3), z.literal(4)]),
  data: z.array(z.number().min(0).max(255)),
});

const filter = z
  .object({
    label: z.string().min(1).max(256).optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

const MAX_IMAGE_BASE64 = 8 * 1024 * 1024;

export const embedRequest = z
  .object({ image: z.string().min(1).max(MAX_IMAGE_BASE64).optional(), pixels: pixels.optional() })
  .strict()
  .refine((r) => (r.image === undefined) !== (r.pixels === undefined), { message: 'give exactly one of image or pixels', path: ['image'] });

export const searchRequest = z
  .object({
    itemId: z.string().min(1).max(256).optional(),
    image: z.string().min(1).max(MAX_IMAGE_BASE64).optional(),
    pixels: pixels.optional(),
    vector: z.array(z.number()).min(1).max(65536).optional(),
    k: z.number().int().min(1).max(1000).default(10),
    filter: filter.optional(),
  })
  .strict()
  .refine((r) => [r.itemId, r.image, r.pixels, r.vector].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of itemId, image, pixels or vector',
    path: ['itemId'],
  });

export type EmbedRequest = z.infer<typeof embedRequest>;
export type SearchRequest = z.infer<typeof searchRequest>;
