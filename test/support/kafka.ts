import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
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
  const brokerPid = async () => Number((await readFile(join(dir, 'kafka.pid'), 'utf8')).trim());
  const signal = async (name: NodeJS.Signals): Promise<void> => void process.kill(await brokerPid(), name);
  /** SIGSTOP, then waits until every thread of the broker is stopped (state `T` in /proc), so no request sent afterwards is served. */
  const pause = async (): Promise<void> => {
    const pid = await brokerPid();
    process.kill(pid, 'SIGSTOP');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const threads = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
      const states = await Promise.all(threads.map((t) => readFile(`/proc/${pid}/task/${t}/stat`, 'utf8').then((stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).catch(() => 'T')));
      if (states.every((state) => state === 'T' || state === 't')) return;
      if (Date.now() > deadline) throw new Error(`broker ${pid} not stopped 10 s after SIGSTOP (thread states ${[...new Set(states)].join('')})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    brokers,
    owned: true,
    stop: () => stopBroker('--purge'),
    kill: () => stopBroker('--kill'),
    down: () => stopBroker(),
    start: async () => {
      await startBroker();
    },
    pause,
    resume: () => signal('SIGCONT'),
  };
}
