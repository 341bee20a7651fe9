import type { OpenAPIHono } from '@hono/zod-openapi';
import type { RequestIdVariables } from 'hono/request-id';
import type { Config } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { Logger } from '../log/logger';
import type { DeadLetterView } from './dead-letters/dead-letter-view';
import type { HttpMetrics } from './http-metrics';
import type { RecentItemWrites } from './intake/recent-item-writes';
import type { ImageDecoder } from '../core/image-decoder';
import type { ModelCatalog } from '../core/model-catalog';

export type AppEnv = { Variables: RequestIdVariables };
export type DiscernApp = OpenAPIHono<AppEnv>;

/** What the route handlers share. */
export interface RouteContext {
  queue: Queue;
  vectorStore: VectorStore;
  models: ModelCatalog;
  /** Model files for readers that load a version themselves (the edge); optional. */
  modelStore?: ModelStore;
  config: Pick<Config, 'apiKey' | 'readApiKey' | 'api' | 'intake' | 'compute'>;
  metrics: HttpMetrics;
  logger: Logger;
  liveAlias: string;
  /** Consumer group of the trainer, whose committed lag tells whether the live collection is complete. */
  trainerGroup: string;
  /** Item writes this process accepted recently. */
  recentItems: RecentItemWrites;
  /** Records the trainer rejected, as read from the `dead-letters` topic. */
  deadLetters: DeadLetterView;
  /** Decodes query images for the routes that embed them. */
  decoder: ImageDecoder;
}
