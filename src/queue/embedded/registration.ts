import { join } from 'node:path';
import { defineQueue } from '../queue-registration';
import { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded-queue';

/** `DISCERN_QUEUE=embedded`: fsync'd logs under `<DISCERN_DATA_DIR>/queue`, for one process. */
export const registration = defineQueue({
  kind: 'embedded',
  create: (options: EmbeddedQueueOptions) => createEmbeddedQueue(options),
  fromConfig: (config) => ({ dir: join(config.dataDir, 'queue') }),
});
