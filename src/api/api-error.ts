import type { z } from 'zod';

/** One problem with a request, `path` in dotted form (`items.3.pixels.data`). */
export interface ApiIssue {
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ApiErrorBody {
  error: { code: string; message: string; issues?: ApiIssue[]; requestId?: string };
}

/**
 * An error with its HTTP status and a stable machine-readable `code`, thrown anywhere in a
 * request and rendered by the app's error handler.
 *
 * @example
 * throw new ApiError(404, 'item_not_found', 'no item shoe-1 in the live collection');
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 501 | 503,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const MAX_ISSUES = 100;

/** Formats a zod issue path as `items.3.pixels.data` (`(body)` for the root). */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  const joined = path.map(String).join('.');
  return prefix && joined ? `${prefix}.${joined}` : prefix || joined || '(body)';
}

/**
 * A 400 naming every invalid field.
 *
 * @example
 * if (!result.success) throw validationError(result.error);
 */
export function validationError(error: z.ZodError, prefix = ''): ApiError {
  // A batch of bad events would otherwise echo thousands of issues back.
  const issues = error.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: issuePath(issue.path, prefix), message: issue.message }));
  const first = issues[0];
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new ApiError(400, 'invalid_request', `${first.path}: ${first.message}${more}`, issues);
}

/** A single-field 400. */
export function fieldError(path: string, message: string, code = 'invalid_request'): ApiError {
  return new ApiError(400, code, `${path}: ${message}`, [{ path, message }]);
}
