import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';
import { SETTINGS } from './settings';
import { formatSettingsTable, settingsMarkdown, settingsTable } from './settings-table';

describe('loadConfig', () => {
  it('applies every default when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./.data');
    expect(config.apiKey).toBeUndefined();
    expect(config.queue).toEqual({
      kind: 'embedded',
      kafka: { brokers: ['localhost:9092'], topicPrefix: 'discern', partitions: 6, clientId: 'discern', producers: 1, client: 'platformatic' },
      writeDeadlineMs: 5000,
      lingerMs: 2,
    });
    expect(config.vectorStore.kind).toBe('embedded');
    expect(config.api).toEqual({ maxBodyBytes: 33554432, maxBatchItems: 1000 });
    expect(config.trainer.learningRate).toBe(0.001);
  });

  it('reads and converts values, treating blank ones as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      DISCERN_API_KEY: 's3cret',
      DISCERN_QUEUE: 'kafka',
      KAFKA_BROKERS: 'k1:9092, k2:19092',
      KAFKA_PARTITIONS: '12',
      DISCERN_VECTOR_STORE: 'qdrant',
      QDRANT_URL: 'http://qdrant:6333',
      LEARNING_RATE: '3e-4',
      LOSS: 'triplet',
      P: '16',
      LOG_LEVEL: ' ',
    });
    expect(config.port).toBe(9000);
    expect(config.apiKey).toBe('s3cret');
    expect(config.queue.kafka.brokers).toEqual(['k1:9092', 'k2:19092']);
    expect(config.queue.kafka.partitions).toBe(12);
    expect(config.vectorStore.qdrant.url).toBe('http://qdrant:6333');
    expect(config.trainer).toMatchObject({ learningRate: 0.0003, loss: 'triplet', p: 16 });
    expect(config.logLevel).toBe('info');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', DISCERN_QUEUE: 'rabbit', KAFKA_BROKERS: 'nohost', MAX_BATCH_ITEMS: '1.5', LEARNING_RATE: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split('=')[0]);
    expect(names.sort()).toEqual(['DISCERN_QUEUE', 'KAFKA_BROKERS', 'LEARNING_RATE', 'MAX_BATCH_ITEMS', 'PORT']);
    expect((error as Error).message).toContain('PORT="70000"');
  });

  it('reads the access and compute limits, and refuses a read key without a write key', () => {
    expect(loadConfig({}).compute).toEqual({ maxQueryPixels: 16_777_216, rateLimitPerSecond: 0, rateLimitBurst: 50 });
    const config = loadConfig({ DISCERN_API_KEY: 'w', DISCERN_READ_API_KEY: 'r', MAX_QUERY_PIXELS: '1000', COMPUTE_RATE_LIMIT: '2.5', COMPUTE_RATE_BURST: '5' });
    expect(config).toMatchObject({ apiKey: 'w', readApiKey: 'r', compute: { maxQueryPixels: 1000, rateLimitPerSecond: 2.5, rateLimitBurst: 5 } });
    expect(() => loadConfig({ DISCERN_READ_API_KEY: 'r' })).toThrow(/DISCERN_READ_API_KEY=\(set\): needs DISCERN_API_KEY/);
    expect(() => loadConfig({ COMPUTE_RATE_LIMIT: '-1' })).toThrow(ConfigError);
  });

  it('reads the canary gate\'s noise margin and the input-similarity anchor', () => {
    expect(loadConfig({}).trainer).toMatchObject({ gate: { noiseZ: 2 }, inputAnchor: { weight: 20, items: 32 } });
    expect(loadConfig({ GATE_NOISE_Z: '0', INPUT_ANCHOR_WEIGHT: '0', INPUT_ANCHOR_ITEMS: '64' }).trainer).toMatchObject({ gate: { noiseZ: 0 }, inputAnchor: { weight: 0, items: 64 } });
    expect(() => loadConfig({ INPUT_ANCHOR_ITEMS: '1' })).toThrow(/INPUT_ANCHOR_ITEMS/);
    expect(() => loadConfig({ INPUT_ANCHOR_WEIGHT: '-1' })).toThrow(/INPUT_ANCHOR_WEIGHT/);
  });

  it('exports a table of every setting for --help and the README', () => {
    const rows = settingsTable();
    expect(rows.map((r) => r.name)).toEqual(SETTINGS.map((s) => s.name));
    expect(rows.find((r) => r.name === 'PORT')).toEqual({ name: 'PORT', default: '8080', description: 'HTTP port of the API' });
    for (const setting of SETTINGS) {
      if (setting.default !== undefined) expect(setting.schema.safeParse(setting.default).success, setting.name).toBe(true);
    }
    expect(formatSettingsTable().split('\n')).toHaveLength(SETTINGS.length);
    expect(settingsMarkdown()).toContain('| `DISCERN_API_KEY` |  |');
  });
});
