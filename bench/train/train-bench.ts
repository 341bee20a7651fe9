import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { availableParallelism, loadavg } from 'node:os';
import { selectBackend, type BackendPreference } from '../../src/backend';
import { positiveInt, positiveNumber } from '../../src/cli/options';
import { formatTable } from '../../src/cli/print-table';
import { loadDataset } from '../../src/data';
import { createEncoder, featureMlpConfig, type Encoder } from '../../src/encoder';
import { createLogger } from '../../src/log/logger';
import { getRecipe } from '../../src/recipes';
import type { TrainingRecipe } from '../../src/recipes/training-recipe';
import { trainWithRecipe } from '../../src/recipes/train-with-recipe';
import { startGradientReplicas } from '../../src/training-threads/gradient-replicas';
import type { TrainingSet } from '../../src/offline-training/training-set';
import { probeTransposedMatMul, type MatMulProbe } from './matmul-probe';
import { profileTrainingStep, type StepProfile } from './step-profile';
import { syntheticFeatures } from './synthetic-features';
import { runTorchReference, type TorchReferenceRun } from './torch-reference';

const log = createLogger('bench-train');
const allBackends = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
type Backend = (typeof allBackends)[number];

const options = new Command()
  .name('bench-train')
  .description('Training throughput per TF.js backend: the default CNN end to end, and an MLP head on cached features')
  .option('--seconds <s>', 'measured training time of each CNN run (the cpu backend gets at most half)', positiveNumber('--seconds'), 20)
  .option('--head-seconds <s>', 'measured training time of each head-only run', positiveNumber('--head-seconds'), 6)
  .option('--features <n>', 'feature length the head trains on (a backbone output)', positiveInt('--features'), 512)
  .option('--head-goal <n>', 'head-only samples/s to reach', positiveNumber('--head-goal'), 1000)
  .option('--backends <list>', 'backends to try, comma-separated', allBackends.join(','))
  .option('--no-reference', 'skip the side-by-side run against PyTorch')
  .option('--reference-seconds <s>', 'length of each TF.js and each PyTorch run of the side-by-side comparison', positiveNumber('--reference-seconds'), 10)
  .option('--reference-rounds <n>', 'TF.js/PyTorch run pairs, interleaved so load changes hit both', positiveInt('--reference-rounds'), 2)
  .option('--reference-threads <list>', 'threads PyTorch may use (default: all cores), comma-separated to compare several in the same run; the first sets referenceSamplesPerS', String(availableParallelism()))
  .option('--threads <list>', 'threads TF.js computes the side-by-side runs\' gradients on (data-parallel), comma-separated to compare several in the same run; the first sets samplesPerS (default: the first --reference-threads, like for like)')
  .parse(process.argv)
  .opts<{ seconds: number; headSeconds: number; features: number; headGoal: number; backends: string; reference: boolean; referenceSeconds: number; referenceRounds: number; referenceThreads: string; threads?: string }>();
const referenceThreads = options.referenceThreads.split(',').map((t) => positiveInt('--reference-threads')(t.trim()));
const trainingThreads = (options.threads ?? String(referenceThreads[0])).split(',').map((t) => positiveInt('--threads')(t.trim()));

const backends = options.backends.split(',').map((b) => b.trim());
for (const b of backends) if (!(allBackends as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend '${b}'; expected some of ${allBackends.join(', ')}`);

interface Measurement {
  backend: string;
  workload: string;
  status: string;
  batch?: number;
  params?: number;
  trainableParams?: number;
  /** Threads computing the gradients. */
  threads?: number;
  steps?: number;
  seconds?: number;
  samplesPerSecond?: number;
  /** CPU time this process used over the measured run (every thread: XNNPACK, GC, logging). */
  cpuSeconds?: number;
  /** Samples per second of that CPU time: what other load on a shared machine disturbs least. */
  samplesPerCpuSecond?: number;
  msPerStep?: number;
  profile?: StepProfile;
  goal?: string;
  verdict?: string;
  note?: string;
}

const defaultRecipe = getRecipe('default');
const images = await loadDataset({ data: 'fashion-mnist', split: 'train', classes: [0, 1, 2, 3, 4], limit: 10_000 });
const imageData: TrainingSet = { inputs: images.images, labels: images.labels };
const features = syntheticFeatures({ items: 5_000, classes: 10, dim: options.features });
const headRecipe: TrainingRecipe = { ...defaultRecipe, encoder: featureMlpConfig(options.features), augmentation: undefined, instanceDiscrimination: undefined };

const loadAtStart = loadavg()[0];
const measurements: Measurement[] = [];
const matMulProbes: Record<string, MatMulProbe[]> = {};
const benchStarted = Date.now();
for (const backend of backends as Backend[]) {
  const available = await activate(backend);
  if (available !== true) {
    measurements.push({ backend, workload: 'all', status: available });
    continue;
  }
  matMulProbes[backend] = probeTransposedMatMul(headRecipe.classesPerBatch * headRecipe.itemsPerClass, options.features, 256);
  const slowBackend = backend === 'cpu';
  // The pure-JS cpu backend needs seconds per default-size CNN step: a small batch and a
  // short run still give its rate without dominating the bench.
  const cnnRecipe: TrainingRecipe = slowBackend ? { ...defaultRecipe, classesPerBatch: 4, itemsPerClass: 2 } : defaultRecipe;
  measurements.push(
    await measure(backend, 'CNN 28×28, trainable all', cnnRecipe, imageData, slowBackend ? options.seconds / 2 : options.seconds, slowBackend ? 'small batch (P=4, Q=2) and a short run: this backend is slow' : undefined),
  );
  // The recipe's own batch, and a quarter of it to show how the rate scales with batch size.
  for (const itemsPerClass of [Math.max(1, headRecipe.itemsPerClass >> 2), headRecipe.itemsPerClass]) {
    const recipe = { ...headRecipe, itemsPerClass };
    const m = await measure(backend, `head only: ${options.features}→[256]→128 MLP`, recipe, features, options.headSeconds, 'synthetic cached features');
    m.goal = `≥ ${options.headGoal} samples/s`;
    m.verdict = (m.samplesPerSecond ?? 0) >= options.headGoal ? 'met' : 'missed';
    measurements.push(m);
  }
}

// Side by side with PyTorch: the recipe's network with multi-similarity loss + miner and Adam on
// P=5 × Q=32 batches (no input-similarity term, which PyTorch does not run), TF.js and PyTorch
// runs alternating so that the other load on the machine weighs on both alike.
const comparisonBackend = backends.find((b) => b !== 'cpu' && measurements.some((m) => m.backend === b && m.status === 'ok')) ?? backends.find((b) => measurements.some((m) => m.backend === b && m.status === 'ok'));
const comparisonRecipe: TrainingRecipe = { ...defaultRecipe, classesPerBatch: 5, itemsPerClass: 32, inputSimilarity: undefined, instanceDiscrimination: undefined, augmentation: undefined };
const comparison = { backend: comparisonBackend ?? null, tfjs: [] as Measurement[], reference: [] as TorchReferenceRun[], referenceStatus: options.reference ? 'ok' : 'skipped (--no-reference)' };
// TensorFlow (tfjs-node) sizes its thread pool once per process, when it starts: it runs the
// first thread count only, with TensorFlow's own threads rather than gradient replicas.
const fixedThreads = comparisonBackend?.startsWith('tfjs-node') ?? false;
const comparisonThreads = fixedThreads ? trainingThreads.slice(0, 1) : trainingThreads;
if (fixedThreads && trainingThreads.length > 1) process.stderr.write(`bench:train ${comparisonBackend}: TensorFlow's threads are fixed at ${trainingThreads[0]} for this process; --threads ${trainingThreads.slice(1).join(',')} not measured\n`);
if (comparisonBackend) {
  await activate(comparisonBackend as Backend);
  for (let round = 0; round < options.referenceRounds; round++) {
    for (const threads of comparisonThreads) comparison.tfjs.push(await measure(comparisonBackend, 'CNN 28×28, MS loss + miner, P=5 Q=32', comparisonRecipe, imageData, options.referenceSeconds, undefined, false, threads));
    if (!options.reference || comparison.referenceStatus !== 'ok') continue;
    for (const threads of referenceThreads) {
      if (comparison.referenceStatus !== 'ok') break;
      process.stderr.write(`bench:train PyTorch reference, round ${round + 1}/${options.referenceRounds}: ${options.referenceSeconds} s on ${threads} threads\n`);
      const result = await runTorchReference(images, { p: 5, q: 32, seconds: options.referenceSeconds, threads });
      if (result.ok) comparison.reference.push(result.run);
      else comparison.referenceStatus = `unavailable: ${result.reason}`;
    }
  }
}
// Pooled over the rounds, per thread count; the first thread count of each side is the headline.
const tfjsRates = (threads: number) => comparison.tfjs.filter((m) => (m.threads ?? 1) === threads).map((m) => ({ samples: (m.samplesPerSecond ?? 0) * (m.seconds ?? 0), seconds: m.seconds ?? 0, cpuSeconds: m.cpuSeconds ?? 0 }));
const referenceRates = (threads: number) => comparison.reference.filter((r) => r.threads === threads).map((r) => ({ samples: r.samplesPerS * r.seconds, seconds: r.seconds, cpuSeconds: r.cpuSeconds ?? 0 }));
const byThreads = {
  tfjs: Object.fromEntries(comparisonThreads.map((t) => [t, { samplesPerS: pooledRate(tfjsRates(t)), cpuSamplesPerS: pooledRate(tfjsRates(t).map((r) => ({ samples: r.samples, seconds: r.cpuSeconds }))) }])),
  reference: Object.fromEntries(referenceThreads.map((t) => [t, { samplesPerS: pooledRate(referenceRates(t)), cpuSamplesPerS: pooledRate(referenceRates(t).map((r) => ({ samples: r.samples, seconds: r.cpuSeconds }))) }])),
};
const { samplesPerS, cpuSamplesPerS } = byThreads.tfjs[trainingThreads[0]];
const { samplesPerS: referenceSamplesPerS, cpuSamplesPerS: referenceCpuSamplesPerS } = byThreads.reference[referenceThreads[0]];
const ratio = samplesPerS !== null && referenceSamplesPerS !== null ? samplesPerS / referenceSamplesPerS : null;
const cpuRatio = cpuSamplesPerS !== null && referenceCpuSamplesPerS !== null ? cpuSamplesPerS / referenceCpuSamplesPerS : null;

const table = measurements.map((m) => ({
  backend: m.backend,
  workload: m.workload,
  batch: m.batch,
  params: m.params,
  trainable: m.trainableParams,
  steps: m.steps,
  'samples/s': m.samplesPerSecond === undefined ? m.status : Math.round(m.samplesPerSecond),
  'ms/step': m.msPerStep,
  'fwd/bwd/opt ms': m.profile && Number.isFinite(m.profile.stepMs) ? `${m.profile.forwardMs.toFixed(1)}/${m.profile.backwardMs.toFixed(1)}/${m.profile.optimizerMs.toFixed(1)}` : undefined,
  goal: m.goal ?? '(report)',
  verdict: m.verdict ?? '',
}));
console.log('\nTraining throughput (samples/s counts every example through the network, augmented views included)\n');
console.log(formatTable(table));
console.log('\nWhat limits each run: phase medians per step and the kernels taking most of one profiled step\n');
for (const m of measurements.filter((x) => x.profile)) {
  const p = m.profile!;
  const phases = Number.isFinite(p.stepMs) ? `batch prep ${p.batchMs.toFixed(1)} ms, forward ${p.forwardMs.toFixed(1)} ms, backward ${p.backwardMs.toFixed(1)} ms, optimizer ${p.optimizerMs.toFixed(1)} ms` : 'phases not timed';
  const kernels = p.topKernels.map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}% (${k.ms.toFixed(1)} ms, ${k.calls}×)`).join(', ');
  console.log(`${m.backend} / ${m.workload} / batch ${m.batch}: ${phases}; top kernels: ${kernels}${m.note ? `  [${m.note}]` : ''}`);
}
console.log('\nDense-layer backward products, transpose folded into matMul vs explicit transpose first (ms per product)\n');
console.log(formatTable(Object.entries(matMulProbes).flatMap(([backend, probes]) => probes.map((p) => ({ backend, product: p.shape, 'folded ms': p.foldedMs, 'explicit ms': p.explicitMs, ratio: p.foldedMs / p.explicitMs })))));
const heads = measurements.filter((m) => m.workload.startsWith('head') && m.samplesPerSecond !== undefined);
const bestHead = heads.reduce<Measurement | undefined>((best, m) => (best === undefined || m.samplesPerSecond! > best.samplesPerSecond! ? m : best), undefined);
console.log(
  `\nGoal: head-only training at ≥ ${options.headGoal} samples/s on this machine's cores — best ${bestHead ? `${Math.round(bestHead.samplesPerSecond!)} samples/s (${bestHead.backend}, batch ${bestHead.batch})` : 'none measured'}: ${bestHead && bestHead.samplesPerSecond! >= options.headGoal ? 'met' : 'missed'}`,
);
console.log('\nSide by side with PyTorch: same network, P=5 × Q=32 batches, multi-similarity loss + miner, Adam (runs alternate)\n');
console.log(
  formatTable([
    ...comparison.tfjs.map((m, i) => ({ run: `TF.js ${m.backend} #${i + 1}`, 'samples/s': m.samplesPerSecond === undefined ? m.status : Math.round(m.samplesPerSecond), 'samples/CPU-s': m.samplesPerCpuSecond === undefined ? '' : Math.round(m.samplesPerCpuSecond), steps: m.steps, threads: m.threads ?? 1 })),
    ...comparison.reference.map((r, i) => ({ run: `PyTorch ${r.torch} #${i + 1}`, 'samples/s': Math.round(r.samplesPerS), 'samples/CPU-s': r.samplesPerCpuS === null || r.samplesPerCpuS === undefined ? '' : Math.round(r.samplesPerCpuS), steps: r.steps, threads: r.threads })),
  ]),
);
console.log(
  referenceSamplesPerS === null
    ? `PyTorch reference ${comparison.referenceStatus === 'ok' ? 'not run' : comparison.referenceStatus}; TF.js ${samplesPerS === null ? 'not measured' : `${Math.round(samplesPerS)} samples/s`}`
    : `TF.js ${Math.round(samplesPerS ?? 0)} samples/s (${trainingThreads[0]} threads) vs PyTorch ${Math.round(referenceSamplesPerS)} samples/s (${referenceThreads[0]} threads): ratio ${ratio?.toFixed(2)} (goal ≥ 0.5, then 1)`,
);
if (trainingThreads.length > 1 || referenceThreads.length > 1) {
  console.log(
    formatTable([
      ...Object.entries(byThreads.tfjs).map(([threads, r]) => ({ side: 'TF.js', threads, 'samples/s': r.samplesPerS === null ? '' : Math.round(r.samplesPerS), 'samples/CPU-s': r.cpuSamplesPerS === null ? '' : Math.round(r.cpuSamplesPerS) })),
      ...Object.entries(byThreads.reference).map(([threads, r]) => ({ side: 'PyTorch', threads, 'samples/s': r.samplesPerS === null ? '' : Math.round(r.samplesPerS), 'samples/CPU-s': r.cpuSamplesPerS === null ? '' : Math.round(r.cpuSamplesPerS) })),
    ]),
  );
}
// On a loaded machine wall-clock rates swing with the other processes; per second of CPU time
// each side actually got, they hardly move.
if (cpuRatio !== null) console.log(`Per CPU-second: TF.js ${Math.round(cpuSamplesPerS ?? 0)} vs PyTorch ${Math.round(referenceCpuSamplesPerS ?? 0)} samples: ratio ${cpuRatio.toFixed(2)}`);
// Other processes on the same cores slow every figure; the load average says how much.
console.log(`bench time ${((Date.now() - benchStarted) / 1000).toFixed(0)} s; ${availableParallelism()} cores; 1-min load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end\n`);
console.log(
  JSON.stringify({
    bench: 'train',
    recipe: defaultRecipe.name,
    samplesPerS,
    referenceSamplesPerS,
    ratio,
    cpuSamplesPerS,
    referenceCpuSamplesPerS,
    cpuRatio,
    threads: trainingThreads[0],
    referenceThreads: referenceThreads[0],
    byThreads,
    reference: { ...comparison, threads: referenceThreads[0] },
    headGoalSamplesPerSecond: options.headGoal,
    bestHeadSamplesPerSecond: bestHead?.samplesPerSecond ?? null,
    headGoalMet: Boolean(bestHead && bestHead.samplesPerSecond! >= options.headGoal),
    cores: availableParallelism(),
    loadAverage: { start: loadAtStart, end: loadavg()[0] },
    measurements,
    matMulProbes,
  }),
);

async function activate(backend: Backend): Promise<true | string> {
  try {
    await selectBackend(backend as BackendPreference, { log, env: {}, threads: trainingThreads[0] });
    return true;
  } catch (error) {
    const message = (error as Error).message;
    return /is not installed/.test(message) ? 'not installed' : `unavailable: ${message}`;
  }
}

async function measure(backend: string, workload: string, recipe: TrainingRecipe, data: TrainingSet, seconds: number, note?: string, profiled = true, threads = 1): Promise<Measurement> {
  const encoder = createEncoder(recipe.encoder);
  const views = recipe.instanceDiscrimination && recipe.instanceDiscrimination.weight > 0 ? 2 : 1;
  const batch = recipe.classesPerBatch * recipe.itemsPerClass * views;
  process.stderr.write(`bench:train ${backend} / ${workload} / batch ${batch}: training for ${seconds} s${profiled ? ', then profiling a few steps' : ''}\n`);
  try {
    const slow = backend === 'cpu' && encoder.inputShape.length === 3;
    // Untimed first steps: kernel set-up and optimizer slots are one-off costs.
    await trainWithRecipe(recipe, data, { encoder, steps: slow ? 1 : 3, log });
    // Timed from the end of the run's first steps, which start (and warm up) any replica threads.
    const untimedSteps = slow ? 0 : 2;
    let cpuAtStart = process.cpuUsage();
    let startedAt = performance.now();
    const { summary } = await trainWithRecipe(recipe, data, {
      encoder,
      maxSeconds: seconds,
      threads,
      startReplicas: startGradientReplicas,
      log,
      onStep: ({ step }) => {
        if (step !== untimedSteps - 1) return;
        cpuAtStart = process.cpuUsage();
        startedAt = performance.now();
      },
    });
    const cpu = process.cpuUsage(cpuAtStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const timedSteps = Math.max(0, summary.steps + summary.skippedSteps - untimedSteps);
    const timedSeconds = (performance.now() - startedAt) / 1000;
    const samplesPerSecond = timedSeconds > 0 ? (timedSteps * summary.samples) / Math.max(1, summary.steps + summary.skippedSteps) / timedSeconds : 0;
    // On a slow backend one profiled step (kernel times only) must do.
    const profile = profiled ? await profileTrainingStep(recipe, encoder, data, { repeats: slow ? 0 : 3, warmUp: !slow }) : undefined;
    return {
      backend,
      workload,
      status: 'ok',
      batch,
      ...parameterCounts(encoder),
      threads,
      steps: timedSteps,
      seconds: timedSeconds,
      samplesPerSecond,
      cpuSeconds,
      samplesPerCpuSecond: cpuSeconds > 0 ? (samplesPerSecond * timedSeconds) / cpuSeconds : undefined,
      msPerStep: timedSteps > 0 ? (1000 * timedSeconds) / timedSteps : undefined,
      profile,
      note,
    };
  } catch (error) {
    return { backend, workload, status: `failed: ${(error as Error).message}`, batch, note };
  } finally {
    encoder.dispose();
    tf.disposeVariables();
  }
}

/** Samples per second over several runs together: total samples over total seconds (null when none ran). */
function pooledRate(runs: Array<{ samples: number; seconds: number }>): number | null {
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  return seconds > 0 ? runs.reduce((a, r) => a + r.samples, 0) / seconds : null;
}

function parameterCounts(encoder: Encoder): { params: number; trainableParams: number } {
  return {
    params: encoder.featureExtractor.countParams() + encoder.head.countParams(),
    trainableParams: encoder.trainableVariables().reduce((sum, v) => sum + v.size, 0),
  };
}
