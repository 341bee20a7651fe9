import { randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createApp, DeadLetterView } from '../../src/api';
import { feedbackBatchSchema } from '../../src/api/request-schemas';
import { createInMemoryQueue } from '../../test/support/api/in-memory-queue';
import { createProjectionModelCatalog } from '../../test/support/api/projection-model-catalog';
import { loadConfig } from '../../src/config/load-config';
import { SETTINGS } from '../../src/config/settings';
import type { OutgoingRecord } from '../../src/core/queue';
import { loadFashionMnist } from '../../src/data';
import { feedbackKey, type FeedbackRecord } from '../../src/events/feedback';
import { KAFKA_CLIENTS, type KafkaClient } from '../../src/queue';
import { createAdapters, type Adapters } from '../../src/service/create-adapters';
import { startApi } from '../../src/service/start-api';
import { openEmbeddedVectorStore } from '../../src/store/embedded';
import { startKafka } from '../../test/support/kafka';
import { benchLog } from '../common/bench-log';
import { feedbackBodies, itemBodies } from '../common/fashion-bodies';
import { runJsonChild } from '../common/json-child';
import { pidListeningOn, processCpuSeconds } from '../common/process-stats';
import { printResultsTable, round, verdict, type ResultRow } from '../common/results-table';
import type { ClosedLoopResult, ClosedLoopStep } from './closed-loop-load';
import type { RawProducerResult, RawProducerStep } from './raw-producer-load';
import { createSharpImageDecoder } from '../../src/image-decoding/sharp-image-decoder';

const log = benchLog('bench-ingest');
const here = fileURLToPath(new URL('.', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
/** Accepted events per second for batched feedback, on 2 cores. */
const GOAL_EVENTS_PER_S = 20_000;
/** Concurrent clients sending one event per request (BENCH_SINGLE_EVENT_CLIENTS). */
const SINGLE_EVENT_CLIENTS = Number(process.env.BENCH_SINGLE_EVENT_CLIENTS ?? 64);
/** Accepted single-event requests per second with SINGLE_EVENT_CLIENTS clients, on 2 cores. */
const GOAL_SINGLE_EVENT_PER_S = { kafka: 10_000, embedded: 20_000 } as const;
const loadAverageAtStart = loadavg().map((v) => round(v));
const GOAL_CORES = 2;
/** The service's default client library (`KAFKA_CLIENT`): the one the goals are judged on. */
const DEFAULT_CLIENT = SETTINGS.find((s) => s.name === 'KAFKA_CLIENT')!.default as KafkaClient;
const { values: args } = parseArgs({ options: { 'kafka-client': { type: 'string', default: DEFAULT_CLIENT } } });
/**
 * Kafka client libraries to measure, one after the other on the same broker, in this order:
 * `--kafka-client kafkajs`, `platformatic`, `both` (kafkajs first) or a list such as `platformatic,kafkajs`.
 */
const CLIENTS: KafkaClient[] = (args['kafka-client'] === 'both' ? [...KAFKA_CLIENTS] : args['kafka-client']!.split(',')).map((name) => {
  if (!KAFKA_CLIENTS.includes(name as KafkaClient)) throw new TypeError(`--kafka-client: expected ${KAFKA_CLIENTS.join(', ')}, both or a comma-separated list, got ${JSON.stringify(args['kafka-client'])}`);
  return name as KafkaClient;
});

interface Scenario {
  name: string;
  path: '/v1/feedback' | '/v1/items';
  batch: number;
  bodies: string[];
  /** Load-generator connections (default BENCH_CONNECTIONS). */
  connections?: number;
}

interface StepResult extends ClosedLoopResult {
  scenario: string;
  queue: 'kafka' | 'embedded';
  /** Client library, for the Kafka queue. */
  client?: KafkaClient;
  /** Runs the figures combine (2 when two clients were measured alternately). */
  runs?: number;
  batch: number;
  connections: number;
  /** CPU seconds of the API process (HTTP server, validation, queue client) during the step. */
  apiCpuS: number;
  apiCpuUsPerEvent: number;
  /** CPU seconds of the Kafka broker process during the step (when it runs on this machine). */
  brokerCpuS?: number;
  brokerCpuUsPerEvent?: number;
  /** Events per second the API and broker would sustain on `GOAL_CORES` dedicated cores, from their CPU time. */
  cpuBoundEventsPerSecond: number;
}

const dir = await mkdtemp(join(tmpdir(), 'discern-bench-ingest-'));
const train = await loadFashionMnist({ split: 'train', limit: 400 });
const scenarios: Scenario[] = [
  { name: 'feedback ×1', path: '/v1/feedback', batch: 1, bodies: feedbackBodies(1, 300) },
  { name: `feedback ×1, ${SINGLE_EVENT_CLIENTS} clients`, path: '/v1/feedback', batch: 1, bodies: feedbackBodies(1, 300), connections: SINGLE_EVENT_CLIENTS },
  { name: 'feedback ×100', path: '/v1/feedback', batch: 100, bodies: feedbackBodies(100, 30) },
  { name: 'feedback ×1000', path: '/v1/feedback', batch: 1000, bodies: feedbackBodies(1000, 6) },
  { name: 'items ×100 (28×28 pixels)', path: '/v1/items', batch: 100, bodies: [...itemBodies(train, 'train', 100, { labelled: true })].map((b) => b.body) },
];
const bodyFiles = new Map<Scenario, string>();
scenarios.forEach((s, i) => {
  const file = join(dir, `bodies-${i}.json`);
  writeFileSync(file, JSON.stringify(s.bodies));
  bodyFiles.set(s, file);
});

async function startService(queue: 'kafka' | 'embedded', brokers?: string, client?: KafkaClient) {
  const dataDir = join(dir, `data-${queue}${client ? `-${client}` : ''}`);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DISCERN_DATA_DIR: dataDir,
    DISCERN_QUEUE: queue,
    // Queue tuning from the environment, so that one run can try another linger or producer count.
    QUEUE_LINGER_MS: process.env.QUEUE_LINGER_MS,
    KAFKA_PRODUCERS: process.env.KAFKA_PRODUCERS,
    QUEUE_WRITE_DEADLINE_MS: process.env.QUEUE_WRITE_DEADLINE_MS,
    ...(brokers ? { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: `bench-ingest-${client}-${Date.now()}`, KAFKA_CLIENT_ID: 'bench-ingest', KAFKA_CLIENT: client } : {}),
  });
  const adapters = await createAdapters(config);
  await adapters.queue.init();
  const api = await startApi(config, adapters);
  return { config, adapters, api };
}

/** One scenario on one service: a warm-up step, then BENCH_SECONDS of closed-loop load. */
async function measureStep(queue: 'kafka' | 'embedded', url: string, scenario: Scenario, brokerPid: number | undefined, client?: KafkaClient): Promise<StepResult> {
  const connections = scenario.connections ?? CONNECTIONS;
  const step = (durationS: number): ClosedLoopStep => ({ url: `${url}${scenario.path}`, bodiesFile: bodyFiles.get(scenario)!, connections, maxRequests: 10_000_000, durationS });
  // Warms the JIT, the connections and the producer, so the measured step is steady state.
  await runJsonChild<ClosedLoopResult>(join(here, 'closed-loop-load.ts'), step(1));
  log.info({ queue, client, scenario: scenario.name, seconds: SECONDS, connections }, 'load step');
  const cpuBefore = process.cpuUsage();
  const brokerBefore = brokerPid ? processCpuSeconds(brokerPid) : undefined;
  const load = await runJsonChild<ClosedLoopResult>(join(here, 'closed-loop-load.ts'), step(SECONDS));
  const cpu = process.cpuUsage(cpuBefore);
  const brokerAfter = brokerPid ? processCpuSeconds(brokerPid) : undefined;
  const apiCpuS = (cpu.user + cpu.system) / 1e6;
  const brokerCpuS = brokerBefore !== undefined && brokerAfter !== undefined ? brokerAfter - brokerBefore : undefined;
  const perEvent = (s: number) => (load.acceptedEvents > 0 ? round((s / load.acceptedEvents) * 1e6) : NaN);
  const result: StepResult = {
    scenario: scenario.name,
    queue,
    ...(client ? { client } : {}),
    batch: scenario.batch,
    connections,
    ...load,
    apiCpuS: round(apiCpuS, 3),
    apiCpuUsPerEvent: perEvent(apiCpuS),
    ...(brokerCpuS !== undefined ? { brokerCpuS: round(brokerCpuS, 3), brokerCpuUsPerEvent: perEvent(brokerCpuS) } : {}),
    cpuBoundEventsPerSecond: load.acceptedEvents > 0 ? Math.round((GOAL_CORES * load.acceptedEvents) / (apiCpuS + (brokerCpuS ?? 0))) : 0,
  };
  log.info(result, 'load step done');
  return result;
}

async function runScenarios(queue: 'kafka' | 'embedded', url: string, brokerPid: number | undefined): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const scenario of scenarios) results.push(await measureStep(queue, url, scenario, brokerPid));
  return results;
}

/**
 * Measures each client once, or, with two, each twice in the order A B B A: on a machine whose
 * load drifts during the run, neither client is favoured by going first.
 */
async function alternate<T>(clients: KafkaClient[], measure: (client: KafkaClient) => Promise<T>): Promise<Record<KafkaClient, T[]>> {
  const order = clients.length < 2 ? clients : [...clients, ...[...clients].reverse()];
  const measured = {} as Record<KafkaClient, T[]>;
  for (const client of order) (measured[client] ??= []).push(await measure(client));
  return measured;
}

/** Several runs of one step as one: rates over their summed time and events, the mean p50, the largest p99. */
function combinedSteps(steps: StepResult[]): StepResult {
  if (steps.length === 1) return steps[0];
  const sum = (pick: (s: StepResult) => number) => steps.reduce((n, s) => n + pick(s), 0);
  const acceptedEvents = sum((s) => s.acceptedEvents);
  const elapsedS = sum((s) => s.elapsedS);
  const apiCpuS = sum((s) => s.apiCpuS);
  const brokerCpuS = steps.every((s) => s.brokerCpuS !== undefined) ? sum((s) => s.brokerCpuS!) : undefined;
  const perEvent = (cpuS: number) => (acceptedEvents > 0 ? round((cpuS / acceptedEvents) * 1e6) : NaN);
  const rejected: Record<string, number> = {};
  for (const s of steps) for (const [status, n] of Object.entries(s.rejected)) rejected[status] = (rejected[status] ?? 0) + n;
  return {
    ...steps[0],
    runs: steps.length,
    requests: sum((s) => s.requests),
    accepted: sum((s) => s.accepted),
    acceptedEvents,
    rejected,
    elapsedS: round(elapsedS),
    eventsPerSecond: Math.round(acceptedEvents / elapsedS),
    requestsPerSecond: round(sum((s) => s.requests) / elapsedS),
    p50Ms: round(sum((s) => s.p50Ms) / steps.length),
    p99Ms: Math.max(...steps.map((s) => s.p99Ms)),
    maxMs: Math.max(...steps.map((s) => s.maxMs)),
    generatorCpuS: round(sum((s) => s.generatorCpuS), 3),
    apiCpuS: round(apiCpuS, 3),
    apiCpuUsPerEvent: perEvent(apiCpuS),
    ...(brokerCpuS !== undefined ? { brokerCpuS: round(brokerCpuS, 3), brokerCpuUsPerEvent: perEvent(brokerCpuS) } : {}),
    cpuBoundEventsPerSecond: acceptedEvents > 0 ? Math.round((GOAL_CORES * acceptedEvents) / (apiCpuS + (brokerCpuS ?? 0))) : 0,
  };
}

/**
 * Single events published straight to the queue, without HTTP, by SINGLE_EVENT_CLIENTS callers
 * each awaiting its own acknowledgement: what group commit gives before the API's own costs.
 */
async function queueSingleEvents(adapters: Adapters): Promise<{ eventsPerSecond: number; cpuUsPerEvent: number }> {
  const value = JSON.stringify({ type: 'pair', a: 'fmnist-train-1', b: 'fmnist-train-2', similar: true, eventId: randomUUID(), receivedAt: Date.now() });
  let events = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: SINGLE_EVENT_CLIENTS }, async (_, c) => {
      while (performance.now() < deadline) {
        await adapters.queue.publish('feedback', [{ key: `fmnist-train-${(c * 7919 + events) % 60_000}`, value }]);
        events++;
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { eventsPerSecond: Math.round(events / elapsedS), cpuUsPerEvent: round((cpu.user + cpu.system) / events) };
}

/** A single-event step against a bare server, with the CPU that server used per request. */
interface BareServerResult extends ClosedLoopResult {
  serverCpuUsPerRequest: number;
}

/**
 * The same single-event load against a bare server in this process that only parses the body
 * and answers 202: on `node:http` alone (the most any Node HTTP service answers on this machine
 * at this moment), and through Hono on @hono/node-server (the API's own stack without its
 * routes, middleware and queue), to read the single-event figures against when other processes
 * load the machine.
 */
async function bareSingleEvents(stack: 'node:http' | 'hono'): Promise<BareServerResult> {
  const answer = () => `{"accepted":1,"ids":["${randomUUID()}"],"duplicates":0}`;
  let server: Server | ServerType;
  if (stack === 'node:http') {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString());
        res.writeHead(202, { 'content-type': 'application/json' }).end(answer());
      });
    });
    await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve));
  } else {
    const app = new Hono().post('/v1/feedback', async (c) => {
      await c.req.json();
      return c.body(answer(), 202, { 'content-type': 'application/json' });
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
  }
  try {
    const scenario = scenarios.find((s) => s.connections === SINGLE_EVENT_CLIENTS)!;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/feedback`;
    const step = (durationS: number): ClosedLoopStep => ({ url, bodiesFile: bodyFiles.get(scenario)!, connections: SINGLE_EVENT_CLIENTS, maxRequests: 10_000_000, durationS });
    await runJsonChild<ClosedLoopResult>(join(here, 'closed-loop-load.ts'), step(1));
    const cpuBefore = process.cpuUsage();
    const load = await runJsonChild<ClosedLoopResult>(join(here, 'closed-loop-load.ts'), step(SECONDS));
    const cpu = process.cpuUsage(cpuBefore);
    return { ...load, serverCpuUsPerRequest: load.requests > 0 ? round((cpu.user + cpu.system) / load.requests) : NaN };
  } finally {
    server.close();
  }
}

/** Median CPU milliseconds of `run` over `n` calls (awaited one at a time). */
async function cpuMs(n: number, run: (i: number) => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = process.cpuUsage();
    await run(i);
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)], 3);
}

/** Where one 1000-event feedback request's CPU time goes, stage by stage, in this process. */
async function breakdown(adapters: Adapters) {
  const bodies = feedbackBodies(1000, 6);
  const schema = feedbackBatchSchema(1000);
  const parsed = () => bodies.map((b) => JSON.parse(b) as unknown);
  const validated = () => parsed().map((p) => schema.parse(p).events as FeedbackRecord[]);
  const toRecords = (events: FeedbackRecord[]): OutgoingRecord[] =>
    events.map((record) => {
      record.eventId = randomUUID();
      record.receivedAt = Date.now();
      return { key: feedbackKey(record), value: JSON.stringify(record) };
    });
  const inputs = { parsed: parsed(), validated: [] as FeedbackRecord[][], records: [] as OutgoingRecord[][] };
  for (let i = 0; i < 40; i++) inputs.validated.push(...validated());
  inputs.records = validated().map(toRecords);

  const memoryApp = createApp({ imageDecoder: createSharpImageDecoder(),
    queue: createInMemoryQueue(),
    vectorStore: await openEmbeddedVectorStore({ dir: join(dir, 'breakdown-vectors') }),
    models: createProjectionModelCatalog({}),
    config: loadConfig({ MAX_BATCH_ITEMS: '1000' }),
    metrics: new Registry(),
    logger: pino({ level: 'silent' }),
    // Ingest alone is measured: no dead letters to follow.
    deadLetters: new DeadLetterView(1),
  });
  const stages = {
    jsonParseMs: await cpuMs(60, (i) => JSON.parse(bodies[i % bodies.length])),
    zodValidateMs: await cpuMs(60, (i) => schema.safeParse(inputs.parsed[i % inputs.parsed.length])),
    recordsStringifyMs: await cpuMs(40, (i) => toRecords(inputs.validated[i])),
    kafkaPublishMs: await cpuMs(30, (i) => adapters.queue.publish('feedback', inputs.records[i % inputs.records.length])),
    wholeRequestInMemoryQueueMs: await cpuMs(60, async (i) => {
      const res = await memoryApp.request('/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % bodies.length] });
      if (res.status !== 202) throw new Error(`in-process request answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }),
  };
  return stages;
}

const started = performance.now();
log.info({ brokers: process.env.KAFKA_BROKERS ?? 'a new local broker', clients: CLIENTS }, 'starting Kafka');
const kafka = await startKafka();
const kafkaStartS = round((performance.now() - started) / 1000);
const brokerPort = Number(kafka.brokers.split(',')[0].split(':').at(-1));
const brokerPid = pidListeningOn(brokerPort);
log.info({ brokers: kafka.brokers, brokerPid, kafkaStartS }, 'Kafka is up');

/** The client library alone on the same broker: batches of 1000 from one caller, and single sends from SINGLE_EVENT_CLIENTS callers. */
async function rawProducer(brokers: string, topic: string, client: KafkaClient) {
  const step = (concurrency: number, batch: number): RawProducerStep => ({ brokers, topic, concurrency, batch, durationS: SECONDS, client });
  log.info({ client, topic, seconds: SECONDS }, 'raw producer, batches of 1000');
  const batched = await runJsonChild<RawProducerResult>(join(here, 'raw-producer-load.ts'), step(1, 1000));
  log.info({ client, topic, seconds: SECONDS, callers: SINGLE_EVENT_CLIENTS }, 'raw producer, one message per send');
  const single = await runJsonChild<RawProducerResult>(join(here, 'raw-producer-load.ts'), step(SINGLE_EVENT_CLIENTS, 1));
  return { batched, single };
}

/** Everything measured on the Kafka queue with one client library. */
interface ClientRun {
  results: StepResult[];
  queueSingleEvents: Awaited<ReturnType<typeof queueSingleEvents>>;
  raw: Awaited<ReturnType<typeof rawProducer>>;
  stages: Awaited<ReturnType<typeof breakdown>>;
}

const runs = {} as Record<KafkaClient, ClientRun>;
let bareHttp: BareServerResult;
let bareHono: BareServerResult;
let embeddedQueueSingleEvents: Awaited<ReturnType<typeof queueSingleEvents>>;
let embeddedResults: StepResult[] = [];
const combinedRaw = (results: RawProducerResult[]): RawProducerResult => {
  const events = results.reduce((n, r) => n + r.events, 0);
  const elapsedS = results.reduce((n, r) => n + r.elapsedS, 0);
  return { events, elapsedS: round(elapsedS), eventsPerSecond: Math.round(events / elapsedS), cpuS: round(results.reduce((n, r) => n + r.cpuS, 0)) };
};
try {
  log.info({ clients: SINGLE_EVENT_CLIENTS }, 'single events against bare node:http and Hono servers');
  bareHttp = await bareSingleEvents('node:http');
  bareHono = await bareSingleEvents('hono');
  // Every client's service is up at once, so that their steps can alternate.
  const services = {} as Record<KafkaClient, Awaited<ReturnType<typeof startService>>>;
  try {
    for (const client of CLIENTS) services[client] = await startService('kafka', kafka.brokers, client);
    const results = {} as Record<KafkaClient, StepResult[]>;
    for (const scenario of scenarios) {
      const steps = await alternate(CLIENTS, (client) => measureStep('kafka', services[client].api.url, scenario, brokerPid, client));
      for (const client of CLIENTS) (results[client] ??= []).push(combinedSteps(steps[client]));
    }
    log.info({ callers: SINGLE_EVENT_CLIENTS }, 'single events straight to the Kafka queue');
    const single = await alternate(CLIENTS, (client) => queueSingleEvents(services[client].adapters));
    const raw = await alternate(CLIENTS, (client) => rawProducer(kafka.brokers, `${services[client].config.queue.kafka.topicPrefix}.feedback`, client));
    for (const client of CLIENTS) {
      log.info({ client }, 'measuring the CPU cost of each stage of a 1000-event request');
      const stages = await breakdown(services[client].adapters);
      log.info({ client, ...stages }, 'per-request CPU by stage');
      const mean = (pick: (r: { eventsPerSecond: number; cpuUsPerEvent: number }) => number) => round(single[client].reduce((n, r) => n + pick(r), 0) / single[client].length);
      runs[client] = {
        results: results[client],
        queueSingleEvents: { eventsPerSecond: Math.round(mean((r) => r.eventsPerSecond)), cpuUsPerEvent: mean((r) => r.cpuUsPerEvent) },
        raw: { batched: combinedRaw(raw[client].map((r) => r.batched)), single: combinedRaw(raw[client].map((r) => r.single)) },
        stages,
      };
    }
  } finally {
    for (const service of Object.values(services)) {
      await service.api.close();
      await service.adapters.close();
    }
  }
  const embeddedService = await startService('embedded');
  try {
    embeddedResults = await runScenarios('embedded', embeddedService.api.url, undefined);
    log.info({ callers: SINGLE_EVENT_CLIENTS }, 'single events straight to the embedded queue');
    embeddedQueueSingleEvents = await queueSingleEvents(embeddedService.adapters);
  } finally {
    await embeddedService.api.close();
    await embeddedService.adapters.close();
  }
} finally {
  await kafka.stop();
  await rm(dir, { recursive: true, force: true });
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 3) : NaN);
const singleEvent = (results: StepResult[]) => results.find((r) => r.batch === 1 && r.connections === SINGLE_EVENT_CLIENTS)!;
const bestBatched = (results: StepResult[]) => results.filter((r) => r.scenario.startsWith('feedback') && r.batch >= 100).reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
/** Per client: the figures the comparison between client libraries rests on. */
const byKafkaClient = Object.fromEntries(
  CLIENTS.map((client) => {
    const { results, raw, queueSingleEvents: single, stages } = runs[client];
    const best = bestBatched(results);
    return [
      client,
      {
        batchedEventsPerS: best.eventsPerSecond,
        batchedScenario: best.scenario,
        batchedCpuBoundEventsPerS: best.cpuBoundEventsPerSecond,
        singleEventEventsPerS: singleEvent(results).eventsPerSecond,
        queueSingleEventEventsPerS: single.eventsPerSecond,
        rawProducerEventsPerS: raw.batched.eventsPerSecond,
        rawProducerSingleSendEventsPerS: raw.single.eventsPerSecond,
        apiCpuUsPerEventBatched: best.apiCpuUsPerEvent,
        publish1000CpuMs: stages.kafkaPublishMs,
      },
    ];
  }),
) as Partial<Record<KafkaClient, Record<string, number | string>>>;

const first = CLIENTS.includes(DEFAULT_CLIENT) ? DEFAULT_CLIENT : CLIENTS[0];
const kafkaResults = runs[first].results;
const best = bestBatched(kafkaResults);
const wallMet = best.eventsPerSecond >= GOAL_EVENTS_PER_S;
const cpuMet = best.cpuBoundEventsPerSecond >= GOAL_EVENTS_PER_S;
const singleEmbedded = singleEvent(embeddedResults);
const singleEventEventsPerS = { kafka: singleEvent(kafkaResults).eventsPerSecond, embedded: singleEmbedded.eventsPerSecond };
const rawProducerEventsPerS = runs[first].raw.batched.eventsPerSecond;
const rawProducerSingleSendEventsPerS = runs[first].raw.single.eventsPerSecond;
const describe = (r: StepResult) => {
  const rejected = Object.entries(r.rejected).map(([status, n]) => `${n}×${status}`).join(', ') || 'none';
  return `${r.eventsPerSecond} events/s (${r.requestsPerSecond} req/s), p50 ${r.p50Ms} / p99 ${r.p99Ms} ms, non-202: ${rejected}`;
};
const cpuText = (r: StepResult) =>
  `API ${r.apiCpuUsPerEvent} µs/event${r.brokerCpuUsPerEvent !== undefined ? `, broker ${r.brokerCpuUsPerEvent} µs/event` : ''}, load generator (own process) ${round(r.generatorCpuS, 2)} CPU-s, ${r.requests > 0 ? round((r.generatorCpuS / r.requests) * 1e6) : NaN} µs/request`;
const clientRows = (client: KafkaClient): ResultRow[] => {
  const { results, raw, queueSingleEvents: single } = runs[client];
  const top = bestBatched(results);
  const singleHttp = singleEvent(results).eventsPerSecond;
  const goalRow = client === first;
  return [
    ...results.map((r): ResultRow => [`Kafka (${client}) ${r.scenario}`, describe(r), goalRow && r === top ? `≥ ${GOAL_EVENTS_PER_S} events/s` : '—', goalRow && r === top ? verdict(wallMet) : '']),
    ...results.map((r): ResultRow => [`  CPU, Kafka (${client}) ${r.scenario}`, cpuText(r), '—', '']),
    [
      `Kafka (${client}) ${top.scenario}: capacity on ${GOAL_CORES} dedicated cores from CPU time (API + broker)`,
      `${top.cpuBoundEventsPerSecond} events/s`,
      goalRow ? `≥ ${GOAL_EVENTS_PER_S} events/s` : '—',
      goalRow ? verdict(cpuMet) : '',
    ],
    [`raw ${client} producer, batches of 1000, acks=all, idempotent`, `${raw.batched.eventsPerSecond} events/s (${raw.batched.cpuS} CPU-s)`, '—', ''],
    [`raw ${client} producer, ${SINGLE_EVENT_CLIENTS} callers × 1 message`, `${raw.single.eventsPerSecond} events/s (${raw.single.cpuS} CPU-s)`, '—', ''],
    [
      `single events over HTTP, Kafka (${client}), ${SINGLE_EVENT_CLIENTS} clients`,
      `${singleHttp} events/s = ${ratio(singleHttp, raw.batched.eventsPerSecond)}× raw producer (batches), ${ratio(singleHttp, raw.single.eventsPerSecond)}× raw single sends`,
      `≥ ${GOAL_SINGLE_EVENT_PER_S.kafka} events/s`,
      verdict(singleHttp >= GOAL_SINGLE_EVENT_PER_S.kafka),
    ],
    [`single events straight to the Kafka (${client}) queue (no HTTP), ${SINGLE_EVENT_CLIENTS} callers`, `${single.eventsPerSecond} events/s, ${single.cpuUsPerEvent} µs CPU/event`, '—', ''],
    [`in process, 1000 events: Kafka (${client}) publish (median CPU)`, `${runs[client].stages.kafkaPublishMs} ms`, '—', ''],
  ];
};
const comparisonRows: ResultRow[] =
  CLIENTS.length < 2
    ? []
    : (['batchedEventsPerS', 'singleEventEventsPerS', 'queueSingleEventEventsPerS', 'rawProducerEventsPerS', 'rawProducerSingleSendEventsPerS'] as const).map((figure): ResultRow => [
        `${CLIENTS[1]} ÷ ${CLIENTS[0]}: ${figure}`,
        `${ratio(byKafkaClient[CLIENTS[1]]![figure] as number, byKafkaClient[CLIENTS[0]]![figure] as number)}×`,
        '—',
        '',
      ]);
const { kafkaPublishMs: _publish, ...clientFreeStages } = runs[first].stages;
const rows: ResultRow[] = [
  ['Kafka broker start', `${kafkaStartS} s`, '—', ''],
  ...CLIENTS.flatMap(clientRows),
  ...comparisonRows,
  [
    `single events over HTTP, embedded, ${SINGLE_EVENT_CLIENTS} clients`,
    `${singleEventEventsPerS.embedded} events/s`,
    `≥ ${GOAL_SINGLE_EVENT_PER_S.embedded} events/s`,
    verdict(singleEventEventsPerS.embedded >= GOAL_SINGLE_EVENT_PER_S.embedded),
  ],
  ...([
    ['node:http', bareHttp!],
    ['Hono on @hono/node-server', bareHono!],
  ] as const).map(([stack, bare]): ResultRow => [
    `bare ${stack} server, single events, ${SINGLE_EVENT_CLIENTS} clients (this machine's HTTP ceiling now)`,
    `${bare.eventsPerSecond} events/s, p50 ${bare.p50Ms} ms, server ${bare.serverCpuUsPerRequest} µs CPU/request, load generator ${round(bare.generatorCpuS, 2)} CPU-s; the API reached ${ratio(singleEventEventsPerS.kafka, bare.eventsPerSecond)}× of it on Kafka (${first}), ${ratio(singleEventEventsPerS.embedded, bare.eventsPerSecond)}× embedded`,
    '—',
    '',
  ]),
  [`single events straight to the embedded queue (no HTTP), ${SINGLE_EVENT_CLIENTS} callers`, `${embeddedQueueSingleEvents!.eventsPerSecond} events/s, ${embeddedQueueSingleEvents!.cpuUsPerEvent} µs CPU/event`, '—', ''],
  ...embeddedResults.map((r): ResultRow => [`embedded ${r.scenario}`, describe(r), '—', '']),
  ...embeddedResults.map((r): ResultRow => [`  CPU, embedded ${r.scenario}`, cpuText(r), '—', '']),
  ...Object.entries(clientFreeStages).map(([name, ms]): ResultRow => [`in process, 1000 events: ${name.replace(/Ms$/, '')} (median CPU)`, `${ms} ms`, '—', '']),
];
printResultsTable(rows);
console.log(
  JSON.stringify({
    kafkaStartS,
    kafkaClients: CLIENTS,
    byKafkaClient,
    singleEventEventsPerS,
    rawProducerEventsPerS,
    rawProducerSingleSendEventsPerS,
    singleEventKafkaToRawProducer: ratio(singleEventEventsPerS.kafka, rawProducerEventsPerS),
    singleEventClients: SINGLE_EVENT_CLIENTS,
    queueSingleEventEventsPerS: { kafka: runs[first].queueSingleEvents, embedded: embeddedQueueSingleEvents! },
    bareHttpSingleEventEventsPerS: bareHttp!.eventsPerSecond,
    bareHonoSingleEventEventsPerS: bareHono!.eventsPerSecond,
    bareServerCpuUsPerRequest: { nodeHttp: bareHttp!.serverCpuUsPerRequest, hono: bareHono!.serverCpuUsPerRequest },
    rawProducer: Object.fromEntries(CLIENTS.map((c) => [c, runs[c].raw])),
    kafka: CLIENTS.flatMap((c) => runs[c].results),
    embedded: embeddedResults,
    perRequestCpuMs: Object.fromEntries(CLIENTS.map((c) => [c, runs[c].stages])),
    goals: {
      batchedEventsPerSecond: GOAL_EVENTS_PER_S,
      singleEventEventsPerS: GOAL_SINGLE_EVENT_PER_S,
      singleEventMet: { kafka: singleEventEventsPerS.kafka >= GOAL_SINGLE_EVENT_PER_S.kafka, embedded: singleEventEventsPerS.embedded >= GOAL_SINGLE_EVENT_PER_S.embedded },
      cores: GOAL_CORES,
      kafkaClient: first,
      measuredOn: best.scenario,
      wallClockMet: wallMet,
      cpuBoundMet: cpuMet,
    },
    loadSeconds: SECONDS,
    connections: CONNECTIONS,
    cpus: cpus().length,
    loadAverageAtStart,
    loadAverage: loadavg().map((v) => round(v)),
  }),
);
