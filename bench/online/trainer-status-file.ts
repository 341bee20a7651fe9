import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainerStatus } from '../../src/trainer/online-trainer';

/**
 * The trainer's status file in a service's data directory; undefined before its first write.
 *
 * @example
 * (await readTrainerStatus(dataDir))?.modelVersion; // 'v000003'
 */
export async function readTrainerStatus(dataDir: string): Promise<TrainerStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
  } catch {
    return undefined;
  }
}
