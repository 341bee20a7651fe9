import { Miniflare } from 'miniflare';
import { buildEdge, EDGE_DIST } from './build';

export interface EdgeServerOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Vars and bindings handed to the worker (see wrangler.toml). */
  bindings: Record<string, string>;
}

/**
 * Serves the edge worker locally in workerd (the Workers runtime) through Miniflare.
 *
 * @example
 * const edge = await startEdgeServer({ port: 8787, bindings: { DISCERN_API_URL: 'http://127.0.0.1:8080', MODEL_BASE_URL: 'http://127.0.0.1:8080' } });
 * await fetch(`${edge.url}/v1/search`, { method: 'POST', ... });
 * await edge.close();
 */
export async function startEdgeServer(options: EdgeServerOptions) {
  const built = await buildEdge();
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: built.entry },
      ...built.wasmFiles.map((path) => ({ type: 'CompiledWasm' as const, path })),
    ],
    modulesRoot: EDGE_DIST,
    compatibilityDate: '2025-01-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: options.bindings,
    host: options.host ?? '127.0.0.1',
    port: options.port,
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  return {
    url,
    dispatch: (path: string, init?: RequestInit) => mf.dispatchFetch(`http://edge.local${path}`, init as never),
    close: () => mf.dispose(),
  };
}

if (process.argv[1]?.endsWith('serve.ts')) {
  const apiUrl = process.env.DISCERN_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`;
  const bindings: Record<string, string> = {
    DISCERN_API_URL: apiUrl,
    MODEL_BASE_URL: process.env.MODEL_BASE_URL ?? apiUrl,
    ...(process.env.QDRANT_URL ? { QDRANT_URL: process.env.QDRANT_URL } : {}),
    ...(process.env.QDRANT_API_KEY ? { QDRANT_API_KEY: process.env.QDRANT_API_KEY } : {}),
    ...(process.env.DISCERN_API_KEY ? { DISCERN_API_KEY: process.env.DISCERN_API_KEY } : {}),
  };
  const edge = await startEdgeServer({ port: Number(process.env.EDGE_PORT ?? 8787), host: process.env.EDGE_HOST, bindings });
  console.error(JSON.stringify({ level: 'info', component: 'edge', msg: 'edge functions listening in workerd', url: edge.url, api: apiUrl }));
  const stop = async () => {
    await edge.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
