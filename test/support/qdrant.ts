import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../infra/qdrant/', import.meta.url));

export interface QdrantServer {
  /** REST endpoint, e.g. `http://127.0.0.1:6333`. */
  url: string;
  apiKey?: string;
  /** Whether this process started the server (and can take it down and up again). */
  owned: boolean;
  /** Stops the server for good and deletes its data (a no-op for an external server). */
  stop(): Promise<void>;
  /** Simulates a crash: SIGKILL, data kept. `start()` brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data. */
  start(): Promise<void>;
}

/** Where the real-Qdrant suites get their server, or why they cannot run. */
export type QdrantAvailability = { available: true; source: string } | { available: false; reason: string };

/**
 * Whether a real Qdrant can be had, decided synchronously so suites can register themselves as
 * run or as skipped with the reason: `QDRANT_URL`, else a server binary `infra/qdrant/start.sh`
 * would start (`QDRANT_BIN`, `qdrant` on PATH, `../shared/qdrant/qdrant`) or a Docker engine.
 * Under CI (`CI` set) a missing Qdrant is an error, not a skip.
 *
 * @example
 * const qdrant = qdrantAvailability();
 * describe.skipIf(!qdrant.available)(`real Qdrant${qdrant.available ? '' : ` (skipped: ${qdrant.reason})`}`, () => { … });
 */
export function qdrantAvailability(): QdrantAvailability {
  const found = probe();
  if (!found.available && process.env.CI) {
    throw new Error(`CI needs a real Qdrant for the vector-store suites, but ${found.reason}`);
  }
  return found;
}

function probe(): QdrantAvailability {
  if (process.env.QDRANT_URL) return { available: true, source: `QDRANT_URL=${process.env.QDRANT_URL}` };
  let binaryProblem = '';
  try {
    const bin = execFileSync('bash', [join(scripts, 'find-binary.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    if (bin) return { available: true, source: bin };
  } catch (error) {
    // No binary (or QDRANT_BIN names none): Docker is the last resort.
    binaryProblem = String((error as { stderr?: string }).stderr ?? '').trim();
  }
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return { available: true, source: 'docker' };
  } catch {
    const hint = 'set QDRANT_URL, or QDRANT_BIN to a qdrant binary, or run a Docker engine';
    return { available: false, reason: binaryProblem ? `${binaryProblem}; ${hint}` : `no Qdrant server: ${hint}` };
  }
}

/**
 * A real Qdrant for tests: `QDRANT_URL` when set (stop is a no-op), otherwise a server started
 * by `infra/qdrant/start.sh` on free loopback ports with its storage in a temp dir.
 *
 * @example
 * const qdrant = await startQdrant();
 * afterAll(() => qdrant.stop());
 * const store = createQdrantVectorStore({ url: qdrant.url });
 */
export async function startQdrant(options: { own?: boolean } = {}): Promise<QdrantServer> {
  const external = process.env.QDRANT_URL;
  if (external && !options.own) {
    const notOwned = async () => {
      throw new Error('QDRANT_URL points at an external server, which tests cannot stop or start');
    };
    return { url: external, apiKey: process.env.QDRANT_API_KEY, owned: false, stop: async () => undefined, kill: notOwned, start: notOwned };
  }
  const dir = await mkdtemp(join(tmpdir(), 'discern-qdrant-'));
  const startServer = async () => {
    const { stdout } = await run('bash', [join(scripts, 'start.sh'), '--dir', dir], { timeout: 120_000 });
    return stdout.trim().split('\n').at(-1)!;
  };
  const stopServer = (...args: string[]) => run('bash', [join(scripts, 'stop.sh'), '--dir', dir, ...args], { timeout: 60_000 }).then(() => undefined);
  const url = await startServer();
  return {
    url,
    owned: true,
    stop: () => stopServer('--purge'),
    kill: () => stopServer('--kill'),
    start: async () => {
      await startServer();
    },
  };
}
