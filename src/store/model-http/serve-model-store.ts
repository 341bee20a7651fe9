import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { ModelStore } from '../../core/model-store';
import { createModelStoreApp } from './model-store-app';

export interface ModelStoreServer {
  /** Base URL for `MODEL_STORE_URL`, e.g. `http://127.0.0.1:8090`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a model store read-only over HTTP (see `createModelStoreApp`) on `port` (0: a free one).
 *
 * @example
 * const server = await serveModelStore(modelStore, { port: 8090, host: '0.0.0.0' });
 * // elsewhere: createHttpModelStore({ url: server.url, cacheDir: '.data/model-cache' })
 */
export async function serveModelStore(store: ModelStore, options: { port: number; host?: string; apiKey?: string }): Promise<ModelStoreServer> {
  const app = createModelStoreApp(store, { apiKey: options.apiKey });
  const host = options.host ?? '0.0.0.0';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
