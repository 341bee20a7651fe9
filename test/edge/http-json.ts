export interface JsonAnswer {
  status: number;
  body: any;
}

/**
 * POSTs a JSON body (or raw text with a given content type) and returns status and parsed body.
 *
 * @example
 * const { status, body } = await postJson(edge.url, '/v1/search', { itemId: 'a', k: 5 });
 */
export async function postJson(base: string, path: string, body: unknown, init: { contentType?: string; raw?: boolean } = {}): Promise<JsonAnswer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: init.raw ? String(body) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

/** The JSON `pixels` field for a 28×28 grey image. */
export function pixelsField(pixels: ArrayLike<number>) {
  return { width: 28, height: 28, channels: 1 as const, data: Array.from(pixels) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
