import { Hono } from 'hono';
import { ModelStoreError, type ModelStore } from '../../core/model-store';
import { MODEL_VERSION_ID_PATTERN } from '../../core/model-version-id';

export interface ModelStoreAppOptions {
  /** When set, every request needs it in `Authorization: Bearer …` or `x-api-key`. */
  apiKey?: string;
}

/**
 * Read-only HTTP access to a model store, for processes that share no disk with the trainer
 * (API replicas, re-embed workers): `GET /v1/versions` (every version's info, sorted by id),
 * `GET /v1/versions/:id` (one info) and `GET /v1/versions/:id/model.onnx` (its ONNX bytes).
 * Versions are immutable, so their answers may be cached for good.
 *
 * @example
 * const app = createModelStoreApp(createFsModelStore({ dir: '.data' }), { apiKey: process.env.DISCERN_API_KEY });
 * serve({ fetch: app.fetch, port: 8090 });
 */
export function createModelStoreApp(store: ModelStore, options: ModelStoreAppOptions = {}) {
  const app = new Hono();
  const fail = (status: 400 | 401 | 403 | 404, code: string, message: string, path?: string) =>
    Response.json({ error: { code, message, issues: path ? [{ path, message }] : [] } }, { status });

  app.use('*', async function modelStoreApiKey(c, next) {
    if (options.apiKey === undefined) return next();
    const given = c.req.header('x-api-key') ?? c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    if (given === undefined) return fail(401, 'unauthorized', 'an API key is required');
    if (given !== options.apiKey) return fail(403, 'forbidden', 'wrong API key');
    return next();
  });

  app.get('/v1/versions', async (c) => c.json({ versions: await store.list() }));

  app.get('/v1/versions/:id', async (c) => {
    const id = c.req.param('id');
    if (!MODEL_VERSION_ID_PATTERN.test(id)) return fail(400, 'invalid_argument', `id: must match ${MODEL_VERSION_ID_PATTERN}`, 'id');
    const info = await store.get(id);
    return info ? c.json(info, 200, { 'cache-control': 'public, max-age=31536000, immutable' }) : fail(404, 'not_found', `model version ${id} not found`, 'id');
  });

  app.get('/v1/versions/:id/model.onnx', async (c) => {
    const id = c.req.param('id');
    if (!MODEL_VERSION_ID_PATTERN.test(id)) return fail(400, 'invalid_argument', `id: must match ${MODEL_VERSION_ID_PATTERN}`, 'id');
    try {
      const bytes = await store.onnx(id);
      return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), 'cache-control': 'public, max-age=31536000, immutable' } });
    } catch (error) {
      if (error instanceof ModelStoreError && error.code === 'not_found') return fail(404, 'not_found', `model version ${id} not found`, 'id');
      throw error;
    }
  });

  return app;
}
