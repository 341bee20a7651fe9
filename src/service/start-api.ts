import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createApp, followDeadLetters } from '../api';
import type { Config } from '../config/load-config';
import { DEFAULT_LIVE_ALIAS } from '../core/catalog-naming';
import type { TrainerHealthSource } from '../core/trainer-health';
import { createLogger } from '../log/logger';
import { createOnnxModelCatalog } from '../serve/onnx-model-catalog';
import type { Adapters } from './create-adapters';
import { createSharpImageDecoder } from '../image-decoding/sharp-image-decoder';

export interface RunningApi {
  url: string;
  port: number;
  metrics: Registry;
  close(): Promise<void>;
}

/**
 * Serves the HTTP API on Node over the given adapters, with queries embedded by onnxruntime-node.
 *
 * @example
 * const api = await startApi(config, await createAdapters(config));
 * console.log(api.url);
 */
export async function startApi(config: Config, adapters: Adapters, options: { metrics?: Registry; trainerHealth?: TrainerHealthSource } = {}): Promise<RunningApi> {
  const log = createLogger('api');
  const metrics = options.metrics ?? new Registry();
  if (!options.metrics) collectDefaultMetrics({ register: metrics });
  const models = createOnnxModelCatalog({ modelStore: adapters.modelStore, vectorStore: adapters.vectorStore, liveAlias: DEFAULT_LIVE_ALIAS });
  const deadLetters = followDeadLetters(adapters.queue, { keep: config.intake.deadLettersKept, logger: log });
  const app = createApp({ imageDecoder: createSharpImageDecoder(),
    queue: adapters.queue,
    vectorStore: adapters.vectorStore,
    models,
    modelStore: adapters.modelStore,
    config,
    metrics,
    logger: log,
    deadLetters: deadLetters.view,
    trainerHealth: options.trainerHealth,
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url }, 'API listening');
  return {
    url,
    port,
    metrics,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deadLetters.close();
      await models.close();
    },
  };
}
