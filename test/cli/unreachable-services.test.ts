import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closed-port';
import { discernWithEnv } from '../support/discern-cli';

describe('discern with its services unreachable', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'discern-unreachable-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('discern api exits non-zero and names KAFKA_BROKERS when no broker answers there', async () => {
    const brokers = `127.0.0.1:${await closedPort()}`;
    const run = await discernWithEnv({ DISCERN_DATA_DIR: dataDir, DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: brokers, PORT: '0', LOG_LEVEL: 'fatal' }, 'api');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`KAFKA_BROKERS=${brokers}: cannot set up the queue there`);
  });
});
