import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Registry } from 'prom-client';
import type { Config } from '../config/load-config';
import { DEFAULT_LIVE_ALIAS } from '../core/catalog-naming';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { TrainerHealthSource } from '../core/trainer-health';
import type { VectorStore } from '../core/vector-store';
import { createLogger, type Logger } from '../log/logger';
import { allowedMethods } from './allowed-methods';
import { ApiError } from './api-error';
import type { AppEnv, DiscernApp, RouteContext } from './app-context';
import type { DeadLetterView } from './dead-letters/dead-letter-view';
import { httpMetrics } from './http-metrics';
import { RecentItemWrites } from './intake/recent-item-writes';
import { accessLog } from './middleware/access-log';
import { computeRateLimit } from './middleware/rate-limit';
import { readAccess } from './middleware/read-access';
import { createQueryApp, errorResponse, throwValidationError } from './query';
import type { ImageDecoder } from '../core/image-decoder';
import type { ModelCatalog } from '../core/model-catalog';
import { registerConsoleRoutes } from '../console/console-routes';
import { registerBrowseRoutes } from './routes/browse';
import { registerCatalogRoutes } from './routes/catalog';
import { registerDeadLetterRoutes } from './routes/dead-letters';
import { registerFeedbackRoutes } from './routes/feedback';
import { registerItemRoutes } from './routes/items';
import { registerRecommendRoute } from './routes/recommend';
import { registerSearchBatchRoute } from './routes/search-batch';
import { registerStatusRoutes } from './routes/status';
import { vectorStoreQueryCatalog } from './vector-store-query-catalog';

/** What the HTTP API needs from the rest of the service. */
export interface AppDeps {
  queue: Queue;
  vectorStore: VectorStore;
  models: ModelCatalog;
  /** Serves model files at `/v1/models/{version}/model.onnx` when given. */
  modelStore?: ModelStore;
  config: Pick<Config, 'apiKey' | 'readApiKey' | 'api' | 'intake' | 'compute'>;
  /** Prometheus registry the API's metrics are registered on and `/metrics` serves. */
  metrics: Registry;
  logger?: Logger;
  /** Alias of the collection being served (default `catalog`). */
  liveAlias?: string;
  /** Consumer group of the trainer (default `discern-trainer`, the trainer's own default). */
  trainerGroup?: string;
  /** The dead letters item status and `/v1/dead-letters` report (kept by `followDeadLetters`). */
  deadLetters: DeadLetterView;
  /** The trainer this process runs, if any: `/readyz` then reports its health. */
  trainerHealth?: TrainerHealthSource;
  /** Decodes query images (default: sharp). */
  imageDecoder: ImageDecoder;
}

/**
 * The HTTP API as a Hono app: ingest (`/v1/items`, `/v1/feedback`), queries (`/v1/embed`,
 * `/v1/search`, `/v1/items/{id}`, `/v1/model`, `/v1/dead-letters`), operations (`/healthz`, `/readyz`,
 * `/metrics`) and `/openapi.json` generated from the same schemas that validate requests.
 *
 * @example
 * import { serve } from '@hono/node-server';
 * const deadLetters = followDeadLetters(queue, { keep: config.intake.deadLettersKept, logger });
 * const app = createApp({ queue, vectorStore, models, config, metrics: new Registry(), deadLetters: deadLetters.view });
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
    trainerGroup: deps.trainerGroup ?? 'discern-trainer',
    recentItems: new RecentItemWrites(deps.config.intake.recentItemsKept),
    deadLetters: deps.deadLetters,
    decoder: deps.imageDecoder,
  };

  const app: DiscernApp = new OpenAPIHono<AppEnv>({ defaultHook: throwValidationError });

  app.use('*', requestId({ headerName: 'X-Request-Id' }), accessLog(logger, context.metrics));
  // Without a key every route is open: the guard would pass every request, at the cost of one
  // more middleware layer on each.
  if (deps.config.apiKey !== undefined || deps.config.readApiKey !== undefined) app.use('*', readAccess(deps.config));

  registerItemRoutes(app, context);
  registerBrowseRoutes(app, context);
  registerFeedbackRoutes(app, context);
  const { maxQueryPixels, rateLimitPerSecond, rateLimitBurst } = deps.config.compute;
  const computeLimit = computeRateLimit({ perSecond: rateLimitPerSecond, burst: rateLimitBurst, keys: [deps.config.apiKey, deps.config.readApiKey] });
  app.route(
    '/',
    createQueryApp({
      ports: { catalog: vectorStoreQueryCatalog(context.vectorStore, context.liveAlias), models: context.models, decoder: context.decoder },
      maxBodyBytes: deps.config.api.maxBodyBytes,
      maxQueryPixels,
      middleware: [computeLimit],
    }),
  );
  registerSearchBatchRoute(app, context);
  registerRecommendRoute(app, context);
  registerCatalogRoutes(app, context);
  registerDeadLetterRoutes(app, context);
  registerStatusRoutes(app, context, deps.metrics, deps.trainerHealth);
  registerConsoleRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  // Built once, on first request: the routes are fixed by then, and generating the document
  // costs milliseconds of CPU on a route anyone may call.
  let openApiDocument: ReturnType<DiscernApp['getOpenAPIDocument']> | undefined;
  app.get('/openapi.json', (c) =>
    c.json(
      (openApiDocument ??= app.getOpenAPIDocument({
        openapi: '3.0.3',
        info: {
          title: 'discern',
          version: '1',
          description: 'Deep metric learning from streaming feedback, with visual similarity search. Errors share one shape: `{ error: { code, message, issues?: [{ path, message }] } }`.',
        },
      })),
    ),
  );

  const allowed = allowedMethods(app.routes);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods.length === 0) return errorResponse(c, new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
    const message = `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(', ')}`;
    return errorResponse(c, new ApiError(405, 'method_not_allowed', message, [{ path: 'method', message }], { Allow: methods.join(', ') }));
  });
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException) {
      const code = error.status === 415 ? 'unsupported_media_type' : error.status === 413 ? 'payload_too_large' : 'bad_request';
      const message = error.message || code;
      return errorResponse(c, new ApiError(error.status as ApiError['status'], code, message, [{ path: '(body)', message }]));
    }
    logger.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return errorResponse(c, new ApiError(500, 'internal', 'internal error'));
  });
  return app;
}
