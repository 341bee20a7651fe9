/** A JSON answer: status, headers and parsed body (undefined when the body is not JSON). */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Sends one JSON request and reads the whole answer. Network failures become status 0 with the
 * error in `body.error`, so callers polling a restarting process can treat them like any
 * other "not yet".
 *
 * @example
 * const { status, body } = await requestJson(url, 'POST', '/v1/items', { items });
 */
export async function requestJson<T = any>(base: string, method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<JsonResponse<T>> {
  try {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: { error: (error as Error).message } as T };
  }
}
