/** HTTP status of a failed Qdrant call, when the server answered. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The server's own words (`{ status: { error } }`), else the error message. */
export function messageOf(error: unknown): string {
  const data = (error as { data?: { status?: { error?: unknown } } } | null)?.data;
  const serverMessage = data?.status?.error;
  if (typeof serverMessage === 'string') return serverMessage;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a failed call may succeed if repeated: no answer at all (connection refused or reset,
 * timeout), or an overloaded / restarting server.
 *
 * @example
 * await withRetry(call, { retryable: isTransient });
 */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return true;
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}
