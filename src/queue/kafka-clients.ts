/** Kafka client libraries the Kafka queue adapter can run on (`KAFKA_CLIENT`). */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];
