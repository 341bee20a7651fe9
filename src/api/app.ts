import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Registry } from 'prom-client';
import type { Config } from '../config/load-config';
import { DEFAULT_LIVE_ALIAS } from '../core/catalog-naming';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { createLogger, type Logger } from '../log/logger';
import { ApiError, validationError, type ApiErrorBody } from './api-error';
import type { AppEnv, DiscernApp, RouteContext } from './app-context';
import { httpMetrics } from './http-metrics';
import { accessLog } from './middleware/access-log';
import type { ModelCatalog } from './model-catalog';
import { registerCatalogRoutes } from './routes/catalog';
import { registerFeedbackRoutes } from './routes/feedback';
import { registerItemRoutes } from './routes/items';
import { registerRecommendRoute } from './routes/recommend';
import { registerSearchRoutes } from './routes/search';
import { registerSearchBatchRoute } from './routes/search-batch';
import { registerStatusRoutes } from './routes/status';

/** What the HTTP API needs from the rest of the service. */
export interface AppDeps {
  queue: Queue;
  vectorStore: VectorStore;
  models: ModelCatalog;
  /** Serves model files at `/v1/models/{version}/model.onnx` when given. */
  modelStore?: ModelStore;
  config: Pick<Config, 'apiKey' | 'api'>;
  /** Prometheus registry the API's metrics are registered on and `/metrics` serves. */
  metrics: Registry;
  logger?: Logger;
  /** Alias of the collection being served (default `catalog`). */
  liveAlias?: string;
}

/**
 * The HTTP API as a Hono app: ingest (`/v1/items`, `/v1/feedback`), queries (`/v1/embed`,
 * `/v1/search`, `/v1/items/{id}`, `/v1/model`), operations (`/healthz`, `/readyz`,
 * `/metrics`) and `/openapi.json` generated from the same schemas that validate requests.
 *
 * @example
 * import { serve } from '@hono/node-server';
 * const app = createApp({ queue, vectorStore, models, config: loadConfig(), metrics: new Registry() });
 * serve({ fetch: app.fetch, port: 8080 });
 */
export function createApp(deps: AppDeps): DiscernApp {
  const logger = deps.logger ?? createLogger('api');
  const context: RouteContext = {
    queue: deps.queue,
    vectorStore: deps.vectorStore,
    models: deps.models,
    modelStore: deps.modelStore,
    config: deps.config,
    metrics: httpMetrics(deps.metrics),
    logger,
    liveAlias: deps.liveAlias ?? DEFAULT_LIVE_ALIAS,
  };

  const app: DiscernApp = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });

  app.use('*', requestId({ headerName: 'X-Request-Id' }), accessLog(logger, context.metrics));

  registerItemRoutes(app, context);
  registerFeedbackRoutes(app, context);
  registerSearchRoutes(app, context);
  registerSearchBatchRoute(app, context);
  registerRecommendRoute(app, context);
  registerCatalogRoutes(app, context);
  registerStatusRoutes(app, context, deps.metrics);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'discern',
      version: '1',
      description: 'Deep metric learning from streaming feedback, with visual similarity search. Errors share one shape: `{ error: { code, message, issues?: [{ path, message }] } }`.',
    },
  });

  app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      const code = error.status === 415 ? 'unsupported_media_type' : error.status === 413 ? 'payload_too_large' : 'bad_request';
      return errorResponse(c, new ApiError(error.status as ApiError['status'], code, error.message || code));
    }
    logger.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return errorResponse(c, new ApiError(500, 'internal', 'internal error'));
  });
  return app;
}

function errorResponse(c: Context<AppEnv>, error: ApiError): Response {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, requestId: c.get('requestId') } };
  if (error.issues) body.error.issues = error.issues;
  return c.json(body, error.status, error.headers);
}
