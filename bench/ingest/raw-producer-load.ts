import { Kafka, logLevel } from 'kafkajs';
import { durableProducer } from '../../src/queue/platformatic-kafka/durable-producer';

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
  /** Client library (default kafkajs). */
  client?: 'kafkajs' | 'platformatic';
}

export interface RawProducerResult {
  events: number;
  elapsedS: number;
  eventsPerSecond: number;
  /** CPU seconds this process used. */
  cpuS: number;
}

interface RawSender {
  send(topic: string, messages: { key: string; value: string }[]): Promise<unknown>;
  close(): Promise<void>;
}

async function kafkajsSender(brokers: string[]): Promise<RawSender> {
  const kafka = new Kafka({ clientId: 'bench-raw-producer', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return { send: (topic, messages) => producer.send({ topic, acks: -1, messages }), close: () => producer.disconnect() };
}

async function platformaticSender(brokers: string[]): Promise<RawSender> {
  const producer = durableProducer('bench-raw-producer', brokers);
  return { send: (topic, messages) => producer.send({ messages: messages.map((m) => ({ topic, ...m })) }), close: () => producer.close() };
}

/**
 * The rate of a Kafka client library itself on a broker, without the service: one idempotent
 * producer with acks=all (what the Kafka queue uses), `concurrency` callers each sending `batch`
 * feedback-sized messages and awaiting the acknowledgement before the next send. Runs in its own
 * process so that it never shares CPU accounting with the API.
 *
 * @example
 * const result = await runJsonChild<RawProducerResult>(join(here, 'raw-producer-load.ts'), { brokers, topic, concurrency: 1, batch: 1000, durationS: 5, client: 'platformatic' });
 */
export async function runRawProducer(step: RawProducerStep): Promise<RawProducerResult> {
  const brokers = step.brokers.split(',');
  const producer = step.client === 'platformatic' ? await platformaticSender(brokers) : await kafkajsSender(brokers);
  const value = JSON.stringify({
    type: 'pair',
    a: 'fmnist-train-1',
    b: 'fmnist-train-2',
    similar: true,
    eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
    receivedAt: Date.now(),
  });
  let sent = 0;
  const send = () => producer.send(step.topic, Array.from({ length: step.batch }, () => ({ key: `fmnist-train-${sent++ % 60_000}`, value })));
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
  await producer.close();
  return { events, elapsedS: Math.round(elapsedS * 100) / 100, eventsPerSecond: Math.round(events / elapsedS), cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100 };
}

if (process.argv[1]?.endsWith('raw-producer-load.ts')) {
  const result = await runRawProducer(JSON.parse(process.argv[2]) as RawProducerStep);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
