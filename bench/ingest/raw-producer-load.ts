import { Kafka, logLevel } from 'kafkajs';

/** One raw-producer run, passed as JSON in argv[2]. */
export interface RawProducerStep {
  brokers: string;
  /** Full Kafka topic name. */
  topic: string;
  /** Callers, each awaiting its own send before the next. */
  concurrency: number;
  /** Messages per send. */
  batch: number;
  durationS: number;
}

export interface RawProducerResult {
  events: number;
  elapsedS: number;
  eventsPerSecond: number;
  /** CPU seconds this process used. */
  cpuS: number;
}

/**
 * The rate of kafkajs itself on a broker, without the service: one idempotent producer with
 * acks=all (what the Kafka queue uses), `concurrency` callers each sending `batch` feedback-sized
 * messages and awaiting the acknowledgement before the next send. Runs in its own process so that
 * it never shares CPU accounting with the API.
 *
 * @example
 * const result = await runJsonChild<RawProducerResult>(join(here, 'raw-producer-load.ts'), { brokers, topic, concurrency: 1, batch: 1000, durationS: 5 });
 */
export async function runRawProducer(step: RawProducerStep): Promise<RawProducerResult> {
  const kafka = new Kafka({ clientId: 'bench-raw-producer', brokers: step.brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const value = JSON.stringify({
    type: 'pair',
    a: 'fmnist-train-1',
    b: 'fmnist-train-2',
    similar: true,
    eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
    receivedAt: Date.now(),
  });
  let sent = 0;
  const send = () => producer.send({ topic: step.topic, acks: -1, messages: Array.from({ length: step.batch }, () => ({ key: `fmnist-train-${sent++ % 60_000}`, value })) });
  await send(); // connection and metadata warm-up, not counted
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + step.durationS * 1000;
  let events = 0;
  await Promise.all(
    Array.from({ length: step.concurrency }, async () => {
      while (performance.now() < deadline) {
        await send();
        events += step.batch;
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await producer.disconnect();
  return { events, elapsedS: Math.round(elapsedS * 100) / 100, eventsPerSecond: Math.round(events / elapsedS), cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100 };
}

if (process.argv[1]?.endsWith('raw-producer-load.ts')) {
  const result = await runRawProducer(JSON.parse(process.argv[2]) as RawProducerStep);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
