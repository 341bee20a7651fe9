import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainerStatus } from '../../../src/trainer/online-trainer';

/**
 * The trainer's `<dataDir>/trainer-status.json`, or undefined before it is first written.
 *
 * @example
 * const status = await readTrainerStatus(dataDir);
 * status?.consumed.items;
 */
export async function readTrainerStatus(dataDir: string): Promise<TrainerStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
  } catch {
    // Missing, or (never with atomic writes, but cheaply tolerated) caught mid-replace.
    return undefined;
  }
}
