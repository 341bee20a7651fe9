import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../infra/kafka/', import.meta.url));

export interface KafkaBroker {
  /** Bootstrap address, `host:port` (comma-separated when several). */
  brokers: string;
  /** Whether this process started the broker (and can take it down and up again). */
  owned: boolean;
  /** Stops the broker for good and deletes its data (a no-op for an external broker). */
  stop(): Promise<void>;
  /** Simulates a crash: SIGKILL, data kept. `start()` brings it back. */
  kill(): Promise<void>;
  /** Graceful shutdown, data kept. `start()` brings it back. */
  down(): Promise<void>;
  /** Starts the broker again on the same port and data. */
  start(): Promise<void>;
  /** SIGSTOP: the broker keeps its connections but answers nothing, like a hung machine. `resume()` ends it. */
  pause(): Promise<void>;
  /** SIGCONT after `pause()`. */
  resume(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Start a private broker even when `KAFKA_BROKERS` is set (needed to stop it in a test). */
  own?: boolean;
}

/**
 * A real Kafka broker for tests: `KAFKA_BROKERS` when set (stop is a no-op), otherwise a
 * single-node KRaft broker started by `infra/kafka/start.sh` on a free loopback port in a temp
 * dir (jars are fetched into `infra/kafka/.dist` on first use).
 *
 * @example
 * const kafka = await startKafka();
 * afterAll(() => kafka.stop());
 * const queue = createKafkaQueue({ brokers: [kafka.brokers], clientId: 'test' });
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const external = process.env.KAFKA_BROKERS;
  if (external && !options.own) {
    const notOwned = async () => {
      throw new Error('KAFKA_BROKERS points at an external broker, which tests cannot stop or start');
    };
    return { brokers: external, owned: false, stop: async () => undefined, kill: notOwned, down: notOwned, start: notOwned, pause: notOwned, resume: notOwned };
  }
  const dir = await mkdtemp(join(tmpdir(), 'discern-kafka-'));
  const startBroker = async () => {
    const { stdout } = await run('bash', [join(scripts, 'start.sh'), '--dir', dir], { timeout: 300_000 });
    return stdout.trim().split('\n').at(-1)!;
  };
  const stopBroker = (...args: string[]) => run('bash', [join(scripts, 'stop.sh'), '--dir', dir, ...args], { timeout: 60_000 }).then(() => undefined);
  const brokers = await startBroker();
  const signal = async (name: NodeJS.Signals): Promise<void> => void process.kill(Number((await readFile(join(dir, 'kafka.pid'), 'utf8')).trim()), name);
  return {
    brokers,
    owned: true,
    stop: () => stopBroker('--purge'),
    kill: () => stopBroker('--kill'),
    down: () => stopBroker(),
    start: async () => {
      await startBroker();
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
  };
}
