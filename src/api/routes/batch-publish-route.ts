import { createRoute, type z } from '@hono/zod-openapi';
import type { RouteContext } from '../app-context';
import { requireApiKey } from '../middleware/api-key';
import { jsonBody } from '../middleware/json-body';
import { AcceptedSchema } from '../request-schemas';
import { errorResponses } from './responses';

const security: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];

/**
 * The OpenAPI route of a `POST` that takes a JSON batch under `field` and answers 202 once the
 * queue has durably written it: API key, body-size and batch-length limits, and the error
 * responses such an endpoint can give.
 *
 * @example
 * app.openapi(batchPublishRoute(ctx, { path: '/v1/items', operationId: 'addItems', tag: 'items', field: 'items', schema: itemBatchSchema(max), summary, description }), handler);
 */
export function batchPublishRoute<P extends string, S extends z.ZodType>(
  ctx: Pick<RouteContext, 'config'>,
  options: { path: P; field: string; schema: S; operationId: string; tag: string; summary: string; description: string },
) {
  const { config } = ctx;
  return createRoute({
    method: 'post',
    path: options.path,
    operationId: options.operationId,
    tags: [options.tag],
    summary: options.summary,
    description: options.description,
    security,
    middleware: [requireApiKey(config.apiKey), ...jsonBody({ maxBytes: config.api.maxBodyBytes, maxBatch: { field: options.field, max: config.api.maxBatchItems } })],
    request: { body: { required: true, content: { 'application/json': { schema: options.schema } } } },
    responses: {
      202: { description: 'Durably accepted', content: { 'application/json': { schema: AcceptedSchema } } },
      ...errorResponses.badRequest,
      ...errorResponses.unauthorized,
      ...errorResponses.tooLarge,
      ...errorResponses.mediaType,
      ...errorResponses.unavailable,
    },
  });
}
