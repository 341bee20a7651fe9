import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../log/logger';

/**
 * Routes kafkajs log entries into a pino logger, keeping kafkajs's namespace and fields.
 *
 * @example
 * new Kafka({ brokers, logLevel: kafkaLogLevel(log), logCreator: kafkaLogCreator(log) });
 */
export function kafkaLogCreator(log: Logger): logCreator {
  return () =>
    function writeKafkaLog({ namespace, level, log: entry }) {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      const target = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';
      log[target]({ namespace, ...fields }, message);
    };
}

/** The kafkajs level that lets through what the pino logger would print anyway. */
export function kafkaLogLevel(log: Logger): logLevel {
  switch (log.level) {
    case 'silent':
      return logLevel.NOTHING;
    case 'fatal':
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    default:
      return logLevel.DEBUG;
  }
}
