import { ModelStoreError, type ModelStoreErrorCode } from '../../core/model-store';
import { QueueUnavailableError } from '../../core/queue';
import { VectorStoreError, type VectorStoreErrorCode } from '../../core/vector-store';

/** An error as it crosses a thread boundary: enough to rebuild the port's own error types. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** A port error's code, or a system error's (`ENOSPC`). */
  code?: string;
  field?: string;
  retryAfterSeconds?: number;
}

/**
 * Flattens an error for `postMessage`, keeping what callers branch on (name, code, field).
 *
 * @example
 * port.postMessage({ id, error: serializeError(error) });
 */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, field, retryAfterSeconds } = error as Error & { code?: unknown; field?: unknown; retryAfterSeconds?: unknown };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof field === 'string' ? { field } : {}),
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  };
}

/**
 * Rebuilds an error on the other side, as the class the ports define, so `instanceof
 * VectorStoreError` and `error.code === 'conflict'` work across threads.
 *
 * @example
 * reject(deserializeError(response.error));
 */
export function deserializeError(s: SerializedError): Error {
  let error: Error;
  switch (s.name) {
    case 'VectorStoreError':
      error = new VectorStoreError(s.message, s.code as VectorStoreErrorCode, s.field);
      break;
    case 'ModelStoreError':
      error = new ModelStoreError(s.message, s.code as ModelStoreErrorCode, s.field);
      break;
    case 'QueueUnavailableError':
      error = new QueueUnavailableError(s.message, s.retryAfterSeconds);
      break;
    case 'TypeError':
      error = new TypeError(s.message);
      break;
    case 'RangeError':
      error = new RangeError(s.message);
      break;
    default:
      error = Object.assign(new Error(s.message), s.code === undefined ? {} : { code: s.code });
      error.name = s.name;
  }
  if (s.stack !== undefined) error.stack = s.stack;
  return error;
}
