import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/**
 * Serves a fetch handler over real HTTP on an ephemeral loopback port.
 *
 * @example
 * const server = await serveForTest(app.fetch);
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export async function serveForTest(fetch: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
