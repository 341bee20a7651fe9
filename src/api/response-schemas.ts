import { z } from '@hono/zod-openapi';

/** A published model version, as `GET /v1/model` and `GET /v1/models/{version}` describe it. */
export const ModelVersionSchema = z
  .object({
    id: z.string().openapi({ example: 'v000012' }),
    createdAt: z.string().openapi({ description: 'When it was published (ISO 8601)' }),
    step: z.number().int().openapi({ description: 'Training step it was taken at' }),
    embeddingDim: z.number().int(),
    input: z.record(z.string(), z.number()).openapi({ description: 'What it takes, e.g. `{ height: 28, width: 28, channels: 1 }` or `{ features: 512 }`' }),
    metrics: z.record(z.string(), z.number()).optional().openapi({ description: 'Evaluation metrics measured when it was published' }),
    extra: z.record(z.string(), z.unknown()).optional().openapi({ description: 'How it was made (encoder, backend, records consumed)' }),
  })
  .loose()
  .meta({ id: 'ModelVersion' });

/** `GET /v1/model`: the live version, its history and the live collection. */
export const ModelDescriptionSchema = z
  .object({
    current: ModelVersionSchema.nullable().openapi({ description: 'The live version; null before the first publication' }),
    publishedAt: z.string().nullable(),
    metrics: z.record(z.string(), z.number()).openapi({ description: "The live version's metrics" }),
    history: z.array(ModelVersionSchema).openapi({ description: 'Kept versions, newest first' }),
    live: z.object({ alias: z.string(), collection: z.string(), modelVersion: z.string() }).nullable(),
  })
  .loose()
  .meta({ id: 'ModelDescription' });

/** A point's payload as the vector store holds it. */
export const PayloadSchema = z
  .object({
    label: z.string().optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    thumbnail: z.string().optional().openapi({ description: 'A small PNG of the item, base64' }),
  })
  .meta({ id: 'Payload' });
