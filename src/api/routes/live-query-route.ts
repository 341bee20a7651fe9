import { createRoute, type z } from '@hono/zod-openapi';
import { jsonBody } from '../middleware/json-body';
import { errorResponses } from './responses';

export interface LiveQueryRouteSpec<P extends string, Req extends z.ZodType, Res extends z.ZodType> {
  path: P;
  operationId: string;
  summary: string;
  /** What the 200 answer holds. */
  answers: string;
  request: Req;
  response: Res;
  maxBodyBytes: number;
}

/**
 * The OpenAPI route of a `POST` query against the live collection: a JSON body of at most
 * `maxBodyBytes`, tagged `search`, and the error answers every such query can give.
 *
 * @example
 * app.openapi(liveQueryRoute({ path: '/v1/recommend', operationId: 'recommend', summary: '…', answers: '…', request: RecommendRequestSchema, response: SearchResponseSchema, maxBodyBytes }), handler);
 */
export function liveQueryRoute<P extends string, Req extends z.ZodType, Res extends z.ZodType>(spec: LiveQueryRouteSpec<P, Req, Res>) {
  return createRoute({
    method: 'post',
    path: spec.path,
    operationId: spec.operationId,
    tags: ['search'],
    summary: spec.summary,
    middleware: jsonBody({ maxBytes: spec.maxBodyBytes }),
    request: { body: { required: true, content: { 'application/json': { schema: spec.request } } } },
    responses: {
      200: { description: spec.answers, content: { 'application/json': { schema: spec.response } } },
      ...errorResponses.badRequest,
      ...errorResponses.notFound,
      ...errorResponses.tooLarge,
      ...errorResponses.mediaType,
      ...errorResponses.unavailable,
    },
  });
}
