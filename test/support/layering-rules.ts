import type { ImportEdge } from './import-graph';

/** A layering rule: which files it governs and which of their imports it refuses. */
export interface LayeringRule {
  name: string;
  /** Files the rule governs (production files only: tests may reach any layer). */
  governs(file: string): boolean;
  /** Why the import is refused, or undefined when it is allowed. */
  refuses(edge: ImportEdge): string | undefined;
}

const isTestCode = (file: string) =>
  /\.(test|contract|fixture|bench)\.ts$/.test(file) || /(^|\/)testing\//.test(file) || /^(test|bench|infra)\//.test(file) || file === 'vitest.config.ts';
const isProduction = (file: string) => /^(src|functions)\//.test(file) && !isTestCode(file) && !/^functions\/[^/]+\.ts$/.test(file);
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
const anyOf = (...folders: string[]) => (file: string) => folders.some((f) => file.startsWith(`${f}/`));

/**
 * A queue, store or image decoding adapter, or the factory that chooses among them. The name
 * lists (`registered.ts`) are not: they load an adapter only when the factory asks.
 */
const isAdapter = (file: string) =>
  /^src\/(queue|store)\/[^/]+\//.test(file) || /^src\/(queue|store)\/index\.ts$/.test(file) || file.startsWith('src/image-decoding/');
const isWiring = anyOf('src/service', 'src/cli');
/** Libraries the core may use: validation only, no runtime or I/O. */
const CORE_LIBRARIES = new Set(['zod']);
/** Metric learning, the encoder, offline training and its recipes, evaluation, ONNX export. */
const LEARNING_CORE = ['src/dml', 'src/encoder', 'src/offline-training', 'src/recipes', 'src/eval', 'src/onnx'];
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|dgram|worker_threads)$/;

/**
 * The rules the architecture test enforces. Ports live in `src/core`; adapters in their own
 * folders under `src/queue` and `src/store`; wiring in `src/service` and `src/cli`.
 */
export const LAYERING_RULES: LayeringRule[] = [
  {
    name: 'the core imports nothing outside the core but validation libraries',
    governs: under('src/core'),
    refuses: (e) => {
      if (e.to) return e.to.startsWith('src/core/') ? undefined : `imports ${e.to}`;
      return CORE_LIBRARIES.has(e.specifier) ? undefined : `imports the library '${e.specifier}'`;
    },
  },
  {
    name: 'the learning core does no I/O and reaches no adapter',
    governs: anyOf(...LEARNING_CORE),
    refuses: (e) => {
      if (IO_MODULES.test(e.specifier)) return `imports '${e.specifier}'`;
      if (e.to && (isAdapter(e.to) || isWiring(e.to))) return `imports ${e.to}`;
      return undefined;
    },
  },
  {
    name: 'the event schemas stay free of image codecs and adapters',
    governs: under('src/events'),
    refuses: (e) => (e.specifier === 'sharp' || (e.to && isAdapter(e.to)) ? `imports ${e.to ?? `'${e.specifier}'`}` : undefined),
  },
  {
    name: 'the API, trainer and serving see ports, never adapters or wiring',
    governs: anyOf('src/api', 'src/trainer', 'src/serve', 'src/reembed'),
    refuses: (e) => (e.to && (isAdapter(e.to) || isWiring(e.to)) ? `imports ${e.to}` : undefined),
  },
  {
    name: 'adapters are wired only in src/service and src/cli',
    governs: (file) => file.startsWith('src/') && !isWiring(file) && !isAdapter(file) && !anyOf('src/queue', 'src/store')(file),
    refuses: (e) => (e.to && isAdapter(e.to) ? `imports ${e.to}` : undefined),
  },
  {
    name: 'only the command line reaches wiring',
    governs: (file) => file.startsWith('src/') && !isWiring(file),
    refuses: (e) => (e.to && under('src/service')(e.to) ? `imports ${e.to}` : undefined),
  },
  {
    name: 'the edge functions pull no queue or store adapter',
    governs: under('functions/src'),
    refuses: (e) => (e.to && /^src\/(queue|store)\//.test(e.to) ? `imports ${e.to}` : undefined),
  },
  {
    name: 'production code never imports test code',
    governs: () => true,
    refuses: (e) => (e.to && isTestCode(e.to) ? `imports ${e.to}` : undefined),
  },
];

/** One import a rule refuses. */
export interface Violation {
  rule: string;
  from: string;
  reason: string;
}

/**
 * Every import of a production file that a rule refuses.
 *
 * @example
 * findViolations([{ from: 'src/core/queue.ts', specifier: '../queue/kafka/kafka-queue', to: 'src/queue/kafka/kafka-queue.ts' }]);
 * // [{ rule: 'the core imports nothing outside the core …', from: 'src/core/queue.ts', reason: 'imports src/queue/kafka/kafka-queue.ts' }]
 */
export function findViolations(edges: ImportEdge[], rules: LayeringRule[] = LAYERING_RULES): Violation[] {
  const violations: Violation[] = [];
  for (const edge of edges) {
    if (!isProduction(edge.from)) continue;
    for (const rule of rules) {
      if (!rule.governs(edge.from)) continue;
      const reason = rule.refuses(edge);
      if (reason) violations.push({ rule: rule.name, from: edge.from, reason });
    }
  }
  return violations;
}
