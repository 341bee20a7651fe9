import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all on import.
import '@tensorflow/tfjs-layers';
import { createLogger, type Logger } from '../log/logger';
import { registerTensorflowKernels } from './tensorflow-kernels';
import { useWasmBackend, type WasmBackendInfo } from './wasm-backend';

export const backendPreferences = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof backendPreferences)[number];
type ConcreteBackend = Exclude<BackendPreference, 'auto'>;

export interface SkippedBackend {
  backend: ConcreteBackend;
  reason: string;
}

export interface SelectedBackend {
  /** The TF.js backend name now active (`tensorflow`, `wasm` or `cpu`). */
  name: string;
  /** Which of the candidates it is. */
  backend: ConcreteBackend;
  /** The preference that was applied, after `DISCERN_BACKEND`. */
  preference: BackendPreference;
  /** Where the preference came from. */
  source: 'argument' | 'DISCERN_BACKEND';
  /** Candidates tried before this one, and why each was not used. */
  skipped: SkippedBackend[];
  /** Set when the wasm backend runs. */
  wasm?: WasmBackendInfo;
  /** The TensorFlow library's version, set when a tfjs-node backend runs. */
  tensorflow?: string;
  /** TensorFlow's intra-op threads (`TF_NUM_INTRAOP_THREADS`; `default`: one per core), set when a tfjs-node backend runs. */
  tensorflowThreads?: number | 'default';
}

export interface SelectBackendOptions {
  log?: Logger;
  /** Environment to read `DISCERN_BACKEND` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Threads TensorFlow's kernels may use on a tfjs-node backend (TensorFlow's intra-op pool; default:
   * every core). Sets `TF_NUM_INTRAOP_THREADS` unless the environment already does; TensorFlow reads
   * it once, when it starts, so the first selection in a process decides.
   */
  threads?: number;
  /** Imports an optional backend package (default: a dynamic `import`); tests stand in for packages that are or are not installed. */
  importPackage?: (specifier: string) => Promise<unknown>;
}

const autoOrder: ConcreteBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/**
 * Activates the fastest TF.js backend available and logs one structured line saying which runs
 * and why the faster ones were skipped.
 *
 * `auto` tries, in order: `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node` (optional
 * dependencies whose own download often fails; `infra/tensorflow/install.sh` installs the latter
 * with TensorFlow from PyPI), `@tensorflow/tfjs-backend-wasm` (SIMD build, with the
 * training kernels of `./wasm-kernels` registered), then the pure-JS `cpu` backend.
 * An explicit preference that cannot be honoured throws instead of falling back.
 *
 * The environment variable `DISCERN_BACKEND` (one of `auto`, `tfjs-node-gpu`, `tfjs-node`,
 * `wasm`, `cpu`) overrides the `preference` argument, so deployments can pin a backend without
 * code changes.
 *
 * @example
 * const backend = await selectBackend();        // e.g. { name: 'wasm', backend: 'wasm', ... }
 * await selectBackend('cpu');                   // throws only if cpu cannot start
 * // DISCERN_BACKEND=wasm node app.js           // forces wasm whatever the argument says
 */
export async function selectBackend(preference: BackendPreference = 'auto', options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const log = options.log ?? createLogger('backend');
  const fromEnv = (options.env ?? process.env).DISCERN_BACKEND;
  let source: SelectedBackend['source'] = 'argument';
  let applied: BackendPreference = preference;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isPreference(fromEnv)) {
      throw new Error(`DISCERN_BACKEND must be one of ${backendPreferences.join(', ')}; got '${fromEnv}'`);
    }
    applied = fromEnv;
    source = 'DISCERN_BACKEND';
  } else if (!isPreference(preference)) {
    throw new Error(`backend preference must be one of ${backendPreferences.join(', ')}; got '${String(preference)}'`);
  }

  const candidates = applied === 'auto' ? autoOrder : [applied];
  const skipped: SkippedBackend[] = [];
  for (const candidate of candidates) {
    try {
      const activated = await activate(candidate, options.importPackage ?? importPackage, options.threads);
      const selected: SelectedBackend = { name: tf.getBackend(), backend: candidate, preference: applied, source, skipped, ...activated };
      log.info(
        { backend: selected.name, candidate, preference: applied, source, skipped, ...(activated.wasm ? { wasm: activated.wasm } : {}), ...(activated.tensorflow ? { tensorflow: activated.tensorflow, tensorflowThreads: activated.tensorflowThreads } : {}) },
        `TF.js backend: ${selected.name}`,
      );
      return selected;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (applied !== 'auto') throw new Error(`backend '${candidate}' requested via ${source === 'argument' ? 'argument' : 'DISCERN_BACKEND'} is unavailable: ${reason}`, { cause: error });
      skipped.push({ backend: candidate, reason });
    }
  }
  throw new Error(`no TF.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

function isPreference(value: string): value is BackendPreference {
  return (backendPreferences as readonly string[]).includes(value);
}

async function activate(candidate: ConcreteBackend, load: (specifier: string) => Promise<unknown>, threads: number | undefined): Promise<{ wasm?: WasmBackendInfo; tensorflow?: string; tensorflowThreads?: number | 'default' }> {
  switch (candidate) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // TensorFlow's C++ runtime prints informational lines to stderr when it starts; the
      // structured selection line says what matters. Explicit settings are left alone.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      if (threads !== undefined) process.env.TF_NUM_INTRAOP_THREADS ??= String(threads);
      await importOptional(`@tensorflow/${candidate}`, load);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`@tensorflow/${candidate} loaded but its 'tensorflow' backend did not initialise`);
      registerTensorflowKernels();
      const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
      return { tensorflow: binding?.TF_Version ?? 'unknown', tensorflowThreads: Number(process.env.TF_NUM_INTRAOP_THREADS) || 'default' };
    }
    case 'wasm':
      return { wasm: await useWasmBackend() };
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend did not initialise');
      // The cpu backend prints a multi-line console banner suggesting tfjs-node on first use;
      // the structured selection line already says why tfjs-node is not running.
      (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
      return {};
    }
  }
}

function importPackage(specifier: string): Promise<unknown> {
  // A variable specifier keeps bundlers and tsc from requiring the optional package.
  return import(/* @vite-ignore */ specifier);
}

async function importOptional(specifier: string, load: (specifier: string) => Promise<unknown>): Promise<void> {
  try {
    await load(specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(`${specifier} is not installed`);
    throw new Error(`${specifier} failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
}
