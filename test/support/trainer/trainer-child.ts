import { loadConfig } from '../../../src/config/load-config';
import { runTrainerProcess } from '../../../src/service/run-trainer';
import { tinyCnnConfig } from './fashion-events';

/**
 * `discern trainer` as tests spawn it: the environment's settings, the tiny test CNN, and
 * cadence overrides from `TRAINER_OVERRIDES` (JSON).
 */
const overrides = JSON.parse(process.env.TRAINER_OVERRIDES ?? '{}');
await runTrainerProcess(loadConfig(process.env), { encoder: tinyCnnConfig(), overrides });
