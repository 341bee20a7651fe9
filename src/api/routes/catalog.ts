import { createRoute, z } from '@hono/zod-openapi';
import { isModelVersionId } from '../../core/model-version-id';
import { ModelStoreError } from '../../core/model-store';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { errorResponses } from './responses';
import { ModelVersionSchema } from '../response-schemas';

const VersionParams = z.object({ version: z.string().meta({ description: 'A model version id, e.g. v000004' }) });

/**
 * Read access to model files, for the edge functions and other readers that pin a version
 * themselves: `/v1/models/{version}[/model.onnx]`. The version-pinned collection reads
 * (`/v1/live`, `/v1/collections/...`) are the query app's.
 *
 * @example
 * registerCatalogRoutes(app, context);
 */
export function registerCatalogRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { modelStore } = ctx;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{version}',
      operationId: 'getModelVersion',
      tags: ['versions'],
      summary: 'What a model version takes and produces (input, embeddingDim, metrics)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'Model version description', content: { 'application/json': { schema: ModelVersionSchema } } },
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      const info = await requireModel(ctx, version);
      return c.json(info, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{version}/model.onnx',
      operationId: 'getModelFile',
      tags: ['versions'],
      summary: 'The ONNX file of a model version (immutable)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'ONNX model', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } },
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      await requireModel(ctx, version);
      const bytes = await modelStore!.onnx(version).catch((error: unknown) => {
        // Pruned between the two reads: as gone as a version that never was.
        if (error instanceof ModelStoreError && error.code === 'not_found') throw modelNotFound(version);
        throw error;
      });
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable' });
    },
  );

}

async function requireModel(ctx: RouteContext, version: string) {
  // Checked here, before any store sees it: a name outside the grammar names no version.
  const info = isModelVersionId(version) && ctx.modelStore ? await ctx.modelStore.get(version) : undefined;
  if (!info) throw modelNotFound(version);
  return info;
}

function modelNotFound(version: string): ApiError {
  return new ApiError(404, 'model_not_found', `version: no model version ${version}`, [{ path: 'version', message: 'unknown model version' }]);
}
