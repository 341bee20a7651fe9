import { join } from 'node:path';
import { defineVectorStore } from '../vector-store-registration';
import { openEmbeddedVectorStore } from './embedded-vector-store';

/** `DISCERN_VECTOR_STORE=embedded`: collections on local disk under `<DISCERN_DATA_DIR>/vectors`. */
export const registration = defineVectorStore({
  kind: 'embedded',
  open: (options: { dir: string; compactAfterDeadRecords?: number }) =>
    openEmbeddedVectorStore({ dir: options.dir, compactAfterDeadRecords: options.compactAfterDeadRecords }),
  fromConfig: (config) => ({ dir: join(config.dataDir, 'vectors') }),
});
