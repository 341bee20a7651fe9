import type { Context } from 'hono';
import { ApiError, validationError, type ApiErrorBody } from '../api-error';

/**
 * Renders an `ApiError` as every runtime answers it: `{ error: { code, message, requestId?,
 * issues? } }` with the error's status and headers (`Retry-After` on a 503).
 *
 * @example
 * app.onError((error, c) => (error instanceof ApiError ? errorResponse(c, error) : errorResponse(c, new ApiError(500, 'internal', 'internal error'))));
 */
export function errorResponse(c: Context, error: ApiError): Response {
  const requestId = (c.get as (key: string) => unknown)('requestId') as string | undefined;
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, ...(requestId ? { requestId } : {}) } };
  if (error.issues) body.error.issues = error.issues;
  return c.json(body, error.status, error.headers);
}

/**
 * The OpenAPI apps' validation hook: a request that fails its schema is a 400 naming every
 * invalid field, thrown so that the app's error handler renders it like any other error.
 *
 * @example
 * const app = new OpenAPIHono({ defaultHook: throwValidationError });
 */
export function throwValidationError(result: { success: boolean; error?: unknown }): void {
  if (!result.success) throw validationError(result.error as Parameters<typeof validationError>[0]);
}
