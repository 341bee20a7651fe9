import { defineQueue } from '../queue-registration';
import { createKafkaQueue, type KafkaQueueOptions } from './kafka-queue';

/** `DISCERN_QUEUE=kafka`: the brokers of `KAFKA_BROKERS`, through kafkajs. */
export const registration = defineQueue({
  kind: 'kafka',
  create: (options: KafkaQueueOptions) => createKafkaQueue(options),
  fromConfig: (config) => ({ ...config.queue.kafka }),
  connectsTo: (config) => ({ setting: 'KAFKA_BROKERS', value: config.queue.kafka.brokers.join(',') }),
});
