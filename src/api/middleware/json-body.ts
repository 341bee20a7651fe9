import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, fieldError } from '../api-error';
import { mayHavePrototypeKey, prototypeKeyPath } from '../prototype-keys';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Reads a JSON body under a size cap: 415 unless the content type is JSON, 413 above
 * `maxBytes`, 400 when it does not parse or holds a `__proto__` key. The parsed body is kept
 * on the request, so the schema validator that follows does not parse it again.
 *
 * @example
 * createRoute({ ..., middleware: jsonBody({ maxBytes: 1 << 20 }) });
 */
export function jsonBody(options: { maxBytes: number; maxBatch?: { field: string; max: number } }): MiddlewareHandler[] {
  const tooLargeMessage = `request body exceeds ${options.maxBytes} bytes (MAX_BODY_BYTES)`;
  const tooLarge = () => new ApiError(413, 'payload_too_large', tooLargeMessage, [{ path: '(body)', message: tooLargeMessage }]);
  const streamedLimit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  const limit: MiddlewareHandler = async function limitBodySize(c, next) {
    const declared = c.req.header('content-length');
    // Node's HTTP parser reads exactly the declared length, so it can be trusted as is. Checking
    // it here, rather than in bodyLimit, keeps the body unmaterialised: the Node adapter then
    // parses it straight from the socket's buffers instead of through a web ReadableStream,
    // about half of a small request's CPU.
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return streamedLimit(c, next);
    if (Number(declared) > options.maxBytes) throw tooLarge();
    return next();
  };
  const parse: MiddlewareHandler = async function parseJsonBody(c, next) {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0].trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      const message = `must be application/json (got ${mediaType || 'none'})`;
      throw new ApiError(415, 'unsupported_media_type', `content-type: ${message}`, [{ path: 'content-type', message }]);
    }
    let body: unknown;
    let text: string;
    try {
      text = await c.req.text();
      body = JSON.parse(text);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const message = `is not valid JSON (${(error as Error).message})`;
      throw new ApiError(400, 'invalid_json', `request body ${message}`, [{ path: '(body)', message }]);
    }
    const prototypeKey = mayHavePrototypeKey(text) ? prototypeKeyPath(body) : undefined;
    if (prototypeKey !== undefined) throw fieldError(prototypeKey, '__proto__ is not allowed as a name');
    // HonoRequest caches the body's text, not its parsed value: without this the validator
    // would parse the whole body a second time.
    c.req.json = <T>() => Promise.resolve(body as T);
    const batch = options.maxBatch;
    if (batch && body !== null && typeof body === 'object') {
      const list = (body as Record<string, unknown>)[batch.field];
      // Refused before validation so an oversized batch costs nothing to turn away.
      if (Array.isArray(list) && list.length > batch.max) {
        throw new ApiError(413, 'batch_too_large', `${batch.field}: at most ${batch.max} per request (MAX_BATCH_ITEMS), got ${list.length}`, [
          { path: batch.field, message: `at most ${batch.max} per request, got ${list.length}` },
        ]);
      }
    }
    return next();
  };
  return [limit, parse];
}
