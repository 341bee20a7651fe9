import { Producer, compatibilityPartitioner, stringSerializers, type ProducerOptions } from '@platformatic/kafka';
import { installPromiseWithResolvers } from './promise-with-resolvers';

/**
 * A string-keyed @platformatic/kafka producer as the Kafka queue publishes with: idempotent,
 * acks=all, no topic auto-creation, and keys on the partitions the Java client picks. `extra`
 * adds timeouts and retries.
 *
 * @example
 * const producer = durableProducer('discern-api', ['127.0.0.1:9092'], { timeout: 2000 });
 */
export function durableProducer(clientId: string, brokers: string[], extra: Partial<ProducerOptions<string, string, string, string>> = {}): Producer<string, string, string, string> {
  installPromiseWithResolvers();
  return new Producer<string, string, string, string>({
    clientId,
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
    serializers: stringSerializers,
    partitioner: compatibilityPartitioner,
    ...extra,
  });
}
