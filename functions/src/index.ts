import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DEFAULT_LIVE_ALIAS, versionOfCollection } from '../../src/core/catalog-naming';
import { CatalogRequestError, CatalogUnavailableError, type EdgeCatalog } from './catalog';
import { createDiscernCatalog } from './catalog-discern';
import { createQdrantCatalog } from './catalog-qdrant';
import { imageToInput, InputError, pixelsToInput, type ImageInputSpec } from './decode-input';
import type { EdgeEnv } from './env';
import { createModelSource, ModelUnavailableError, type LoadedModel } from './model-source';
import { runEmbedding } from './onnx-session';
import { edgeLog } from './log';
import { UpstreamUnavailableError } from './upstream';
import { issuePath } from '../../src/api/api-error';
import { prototypeKeyPath } from '../../src/api/prototype-keys';
import { EmbedRequestSchema, RecommendRequestSchema, SearchBatchRequestSchema, SearchRequestSchema } from '../../src/api/request-schemas';

interface IsolateState {
  catalog: EdgeCatalog;
  models: ReturnType<typeof createModelSource>;
  alias: string;
}

let isolate: IsolateState | undefined;

function stateFor(env: EdgeEnv): IsolateState {
  if (isolate) return isolate;
  const alias = env.LIVE_ALIAS ?? DEFAULT_LIVE_ALIAS;
  let catalog: EdgeCatalog;
  if (env.QDRANT_URL) catalog = createQdrantCatalog(env.QDRANT_URL, alias, env.QDRANT_API_KEY);
  else if (env.DISCERN_API_URL) catalog = createDiscernCatalog(env.DISCERN_API_URL, alias, env.DISCERN_API_KEY);
  else throw new CatalogUnavailableError('configure QDRANT_URL or DISCERN_API_URL');
  isolate = { catalog, models: createModelSource(env), alias };
  return isolate;
}

async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  if (!(c.req.header('content-type') ?? '').includes('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'content-type must be application/json');
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', 'request body is not valid JSON', [{ path: '(body)', message: 'is not valid JSON' }]);
  }
  const prototypeKey = prototypeKeyPath(raw);
  if (prototypeKey !== undefined) {
    throw new HttpError(400, 'invalid_request', `${prototypeKey}: __proto__ is not allowed as a name`, [{ path: prototypeKey, message: '__proto__ is not allowed as a name' }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
    throw new HttpError(400, 'invalid_request', `${issues[0].path}: ${issues[0].message}`, issues);
  }
  return parsed.data;
}

/** Embeds one query (image, pixels, or feature vector for feature-input models) with the given model version. */
async function embedWith(model: LoadedModel, request: { image?: string; pixels?: { width: number; height: number; channels: number; data: number[] }; vector?: number[] }) {
  const version = model.info.id;
  const features = model.info.input.features;
  if (features) {
    if (request.vector === undefined) throw new HttpError(400, 'invalid_request', `${request.image !== undefined ? 'image' : 'pixels'}: model ${version} takes a feature vector of ${features} values, not images; send vector`);
    if (request.vector.length !== features) throw new HttpError(400, 'wrong_dimension', `vector: must have ${features} values for model ${version} (got ${request.vector.length})`);
    const [embedding] = await runEmbedding(model.session, Float32Array.from(request.vector), [1, features]);
    return embedding;
  }
  const spec = model.info.input as unknown as ImageInputSpec;
  if (request.vector !== undefined) throw new HttpError(400, 'invalid_request', `vector: model ${version} takes images (${spec.height}×${spec.width}×${spec.channels}); send image or pixels`);
  const input = request.image !== undefined ? imageToInput(request.image, spec) : pixelsToInput(request.pixels!, spec);
  const [embedding] = await runEmbedding(model.session, input, [1, spec.height, spec.width, spec.channels]);
  return embedding;
}

class HttpError extends Error {
  constructor(readonly status: 400 | 404 | 413 | 415 | 501 | 503, readonly code: string, message: string, readonly issues?: { path: string; message: string }[]) {
    super(message);
  }
}

/**
 * The edge worker: `/v1/embed` and `/v1/search` (filters, `offset`, `scoreThreshold` included)
 * with the Node API's request and response shapes; `/v1/search/batch` and `/v1/recommend` are
 * validated like the Node API's, then answered 501.
 * Every answer names the model version of the collection it searched, and queries are embedded
 * with exactly that version.
 */
export const app = new Hono<{ Bindings: EdgeEnv }>();

app.get('/healthz', (c) => c.json({ ok: true }));

app.post('/v1/embed', async (c) => {
  const request = await parseBody(c, EmbedRequestSchema);
  const state = stateFor(c.env);
  const collection = await state.catalog.liveCollection();
  const modelVersion = versionOfCollection(state.alias, collection);
  if (!modelVersion) throw new HttpError(503, 'catalog_unavailable', `live collection ${collection} names no model version`);
  const embedding = await embedWith(await state.models.load(modelVersion), request);
  return c.json({ modelVersion, embedding: Array.from(embedding) });
});

app.post('/v1/search', async (c) => {
  const request = await parseBody(c, SearchRequestSchema);
  const state = stateFor(c.env);
  const collection = await state.catalog.liveCollection();
  const modelVersion = versionOfCollection(state.alias, collection);
  if (!modelVersion) throw new HttpError(503, 'catalog_unavailable', `live collection ${collection} names no model version`);
  let vector: Float32Array;
  if (request.itemId !== undefined) {
    const stored = await state.catalog.vectorOf(collection, request.itemId);
    if (!stored) throw new HttpError(404, 'not_found', `itemId: no item ${request.itemId} in the live catalog`);
    vector = stored;
  } else {
    vector = await embedWith(await state.models.load(modelVersion), request);
  }
  const { itemId, k, offset = 0, scoreThreshold, filter } = request;
  // An item query asks for its page and one more from the top, then drops the item and pages.
  const hits =
    itemId === undefined
      ? await state.catalog.search(collection, vector, { k, offset, scoreThreshold, filter })
      : (await state.catalog.search(collection, vector, { k: k + offset + 1, scoreThreshold, filter })).filter((h) => h.id !== itemId).slice(offset, offset + k);
  return c.json({ modelVersion, results: hits });
});

// Batches and recommendations need the Node API (or Qdrant's recommend by stored ids); the edge
// still checks the body, so a malformed request gets the same 400 as from the Node API.
app.post('/v1/search/batch', async (c) => {
  await parseBody(c, SearchBatchRequestSchema);
  throw new HttpError(501, 'not_implemented', 'POST /v1/search/batch is served by the Node API, not at the edge');
});

app.post('/v1/recommend', async (c) => {
  await parseBody(c, RecommendRequestSchema);
  throw new HttpError(501, 'not_implemented', 'POST /v1/recommend is served by the Node API, not at the edge');
});

app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));

app.onError((error, c) => {
  if (error instanceof HttpError) {
    return c.json({ error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } }, error.status);
  }
  if (error instanceof CatalogRequestError) {
    return c.json({ error: { code: 'invalid_request', message: `${error.field}: ${error.message}`, issues: [{ path: error.field, message: error.message }] } }, 400);
  }
  if (error instanceof InputError) {
    return c.json({ error: { code: 'invalid_request', message: `${error.field}: ${error.message}`, issues: [{ path: error.field, message: error.message }] } }, 400);
  }
  if (error instanceof CatalogUnavailableError || error instanceof ModelUnavailableError || error instanceof UpstreamUnavailableError) {
    edgeLog('warn', 'dependency unavailable', { path: c.req.path, err: error.message });
    c.header('Retry-After', '5');
    return c.json({ error: { code: 'unavailable', message: error.message } }, 503);
  }
  edgeLog('error', 'unhandled error', { path: c.req.path, err: error.message, stack: error.stack });
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
});

export default app;
