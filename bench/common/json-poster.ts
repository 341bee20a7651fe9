import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface PostAnswer {
  /** HTTP status, or 0 when the connection failed. */
  status: number;
  /** The answer's body, or the connection error's message. */
  text: string;
}

/**
 * POSTs JSON bodies to one URL over keep-alive connections (at most `maxSockets` at once),
 * resolving with the status and body text; connection failures resolve too, with status 0.
 *
 * @example
 * const poster = createJsonPoster('http://127.0.0.1:8080/v1/search', 64);
 * const { status, text } = await poster.post(Buffer.from('{"k":10}'));
 * poster.close();
 */
export function createJsonPoster(url: string, maxSockets: number) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post: (body: Buffer) =>
      new Promise<PostAnswer>((resolve) => {
        const req = request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', (e) => resolve({ status: 0, text: e.message }));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/** Request bodies from a file holding a JSON array of strings. */
export function readBodies(file: string): Buffer[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as string[]).map((b) => Buffer.from(b));
}

/** The value below which a fraction `p` of the ascending `sorted` values lie (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : Number.NaN;
}
