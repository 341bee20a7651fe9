/**
 * The embedded default service (API, embedded queue, trainer, model and vector stores in one
 * process, as `npm start` runs it), configured from the environment, for the freshness bench
 * to measure from outside. Prints `{ url, pid }` as one JSON line on stdout once the API
 * listens (and, with DISCERN_SEED, once seeding has written the catalog to the queue; then
 * DISCERN_SEED_LIMIT caps the items per split); stops on SIGTERM.
 *
 * @example
 * PORT=0 HOST=127.0.0.1 DISCERN_DATA_DIR=/tmp/d npx tsx bench/freshness/service-child.ts
 */
import { loadConfig } from '../../src/config/load-config';
import { runEmbeddedService } from '../../src/service/run';

const seedLimit = process.env.DISCERN_SEED_LIMIT ? Number(process.env.DISCERN_SEED_LIMIT) : undefined;
const { api } = await runEmbeddedService(loadConfig(), { seed: process.env.DISCERN_SEED, seedLimit });
process.stdout.write(`${JSON.stringify({ url: api.url, pid: process.pid })}\n`);
