import { createPlatformaticKafkaQueue } from '../platformatic-kafka/platformatic-kafka-queue';
import { defineQueue } from '../queue-registration';
import { KAFKA_CLIENTS, type KafkaClient } from '../kafka-clients';
import { createKafkaQueue, type KafkaQueueOptions } from './kafka-queue';

/** `DISCERN_QUEUE=kafka`: the brokers of `KAFKA_BROKERS`, through the client library `KAFKA_CLIENT` names (@platformatic/kafka by default). */
export const registration = defineQueue({
  kind: 'kafka',
  create: ({ client = 'platformatic', ...options }: KafkaQueueOptions & { client?: KafkaClient }) => {
    if (client === 'platformatic') return createPlatformaticKafkaQueue(options);
    if (client === 'kafkajs') return createKafkaQueue(options);
    throw new TypeError(`client: expected one of ${KAFKA_CLIENTS.join(', ')}, got ${JSON.stringify(client)}`);
  },
  fromConfig: (config) => ({ ...config.queue.kafka }),
  connectsTo: (config) => ({ setting: 'KAFKA_BROKERS', value: config.queue.kafka.brokers.join(',') }),
});
