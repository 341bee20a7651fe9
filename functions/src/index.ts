import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { DEFAULT_LIVE_ALIAS } from '../../src/core/catalog-naming';
import { ApiError, fieldError } from '../../src/api/api-error';
import { jsonBody } from '../../src/api/middleware/json-body';
import { createQueryApp, errorResponse, readerQueryCatalog, throwValidationError, type QueryPorts } from '../../src/api/query';
import { RecommendRequestSchema, SearchBatchRequestSchema } from '../../src/api/request-schemas';
import { CatalogRequestError, CatalogUnavailableError, type CollectionReader } from '../../src/core/query-catalog';
import { createQdrantRestReader } from './qdrant-reader';
import { createDiscernReader } from './discern-reader';
import { createEdgeImageDecoder } from './decode-input';
import type { EdgeEnv } from './env';
import { edgeLog } from './log';
import { createModelSource, ModelUnavailableError } from './model-source';
import { createEdgeModelRunner } from './model-runner';
import { UpstreamUnavailableError } from './upstream';

/** The Node service's default MAX_BODY_BYTES: a body the service takes, the edge takes too. */
const MAX_BODY_BYTES = 33_554_432;

type EdgeApp = { Bindings: EdgeEnv };

let isolatePorts: QueryPorts | undefined;

/** The query app's ports, built once per isolate from the worker's bindings. */
function portsFor(env: EdgeEnv): QueryPorts {
  if (isolatePorts) return isolatePorts;
  const alias = env.LIVE_ALIAS ?? DEFAULT_LIVE_ALIAS;
  let reader: CollectionReader;
  if (env.QDRANT_URL) reader = createQdrantRestReader({ url: env.QDRANT_URL, alias, apiKey: env.QDRANT_API_KEY });
  else if (env.DISCERN_API_URL) reader = createDiscernReader(env.DISCERN_API_URL, alias, env.DISCERN_API_KEY);
  else throw new CatalogUnavailableError('configure QDRANT_URL or DISCERN_API_URL');
  isolatePorts = { catalog: readerQueryCatalog(reader, alias), models: createEdgeModelRunner(createModelSource(env)), decoder: createEdgeImageDecoder() };
  return isolatePorts;
}

/**
 * The edge worker: the service's query app (`/v1/embed`, `/v1/search` and the version-pinned
 * reads `/v1/live` and `/v1/collections/...`, the same routes, schemas and errors as the Node API) over Qdrant REST (or a discern service) and
 * onnxruntime-web. `/v1/search/batch` and `/v1/recommend` are validated like the Node API's,
 * then answered 501. Every answer names the model version of the collection it searched, and
 * queries are embedded with exactly that version.
 */
export const app = new OpenAPIHono<EdgeApp>({ defaultHook: throwValidationError });

app.use('*', requestId({ headerName: 'X-Request-Id' }));

app.get('/healthz', (c) => c.json({ ok: true }));

app.route('/', createQueryApp<EdgeApp>({ ports: (c) => portsFor(c.env), maxBodyBytes: MAX_BODY_BYTES }));

// Batches and recommendations need the Node API (or Qdrant's recommend by stored ids); the edge
// still checks the body, so a malformed request gets the same 400 as from the Node API.
for (const [path, schema] of [
  ['/v1/search/batch', SearchBatchRequestSchema],
  ['/v1/recommend', RecommendRequestSchema],
] as const) {
  app.openapi(
    createRoute({
      method: 'post',
      path,
      middleware: jsonBody({ maxBytes: MAX_BODY_BYTES }),
      request: { body: { required: true, content: { 'application/json': { schema } } } },
      responses: { 501: { description: 'Served by the Node API, not at the edge' } },
    }),
    () => {
      throw new ApiError(501, 'not_implemented', `POST ${path} is served by the Node API, not at the edge`);
    },
  );
}

app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`)));

app.onError((error, c) => {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof CatalogRequestError) return errorResponse(c, fieldError(error.field, error.message));
  if (error instanceof CatalogUnavailableError || error instanceof ModelUnavailableError || error instanceof UpstreamUnavailableError) {
    edgeLog('warn', 'dependency unavailable', { path: c.req.path, err: error.message });
    return errorResponse(c, new ApiError(503, 'unavailable', error.message, undefined, { 'Retry-After': '5' }));
  }
  edgeLog('error', 'unhandled error', { path: c.req.path, err: error.message, stack: error.stack });
  return errorResponse(c, new ApiError(500, 'internal', 'internal error'));
});

export default app;
