import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../src/config/load-config';
import { selectBackend } from '../../src/backend';
import { loadFashionMnist, type ImageDataset } from '../../src/data';
import { createProgress } from '../../src/progress/progress';
import { defaultRecipe } from '../../src/recipes';
import { createHoldout } from '../../src/trainer/holdout';
import { pairedMapAtRStdErr } from '../../src/trainer/paired-holdout-noise';
import { createOnnxModelRuntime } from '../../src/serve/onnx-model-runtime';
import { runEmbeddedService } from '../../src/service/run';
import { createModelStore } from '../../src/store';
import type { TrainerStatus } from '../../src/trainer/online-trainer';
import { benchLog } from '../common/bench-log';
import { readTrainerStatus } from './trainer-status-file';
import { itemBodies } from '../common/fashion-bodies';
import { printResultsTable, round, verdict, type ResultRow } from '../common/results-table';
import { learningCurveSvg, type CurvePoint } from './learning-curve-chart';
import { ATTACKER_SOURCE, labelStream, type LabelEvent, type Scenario } from './label-stream';
import { evaluationSet, rawScore, versionScore, type EvaluationSet, type SetScore } from './live-scores';
import { deliveredTrainingSet, offlineReference, type OfflineReference } from './offline-reference';

const log = benchLog('bench-online');
const SCENARIOS: readonly Scenario[] = ['clean', 'poisoned', 'poisoned-unguarded', 'drift'];

interface OnlineOptions {
  increments: string;
  scenarios: string;
  seenClasses: string;
  lateClass: number;
  poisonShare: number;
  catalogPerClass: number;
  evalPerClass: number;
  stepsPerIncrement: number;
  honestSources: number;
  seed: number;
  out: string;
  incrementTimeoutS: number;
  offline: boolean;
  offlineSteps?: number;
  quick?: boolean;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a non-negative integer, got '${v}'`);
  return n;
};

const options = new Command()
  .name('bench-online')
  .description('Learning curve of the live model from an empty service: MAP@R/R@1 on held-out test items of labelled and unlabelled classes after each increment of label feedback')
  .option('--increments <list>', 'cumulative label events after which the live model is scored', '100,300,1000,3000,10000')
  .option('--scenarios <list>', `scenarios to run, of ${SCENARIOS.join(', ')}`, 'clean,poisoned,drift')
  .option('--seen-classes <list>', 'Fashion-MNIST classes that get labels (the others are "unseen")', '0,1,3,4,5,7,9')
  .option('--late-class <n>', 'drift: the seen class labelled only in the last increment', int('--late-class'), 4)
  .option('--poison-share <x>', 'poisoned: share of each increment that is flipped labels from one source (0.1–0.3)', Number, 0.2)
  .option('--catalog-per-class <n>', 'catalog items per class (train split; 6000: the whole split)', int('--catalog-per-class'), 6000)
  .option('--eval-per-class <n>', 'held-out test items per class scored', int('--eval-per-class'), 300)
  .option('--steps-per-increment <n>', 'training steps the trainer is granted by each increment (FEEDBACK_TRAINING_STEPS)', int('--steps-per-increment'), 600)
  .option('--honest-sources <n>', 'distinct sources the honest labels come from', int('--honest-sources'), 50)
  .option('--seed <n>', 'seed of the label order', int('--seed'), 0)
  .option('--out <dir>', 'where the table, chart and JSON are written', 'out/bench-online')
  .option('--increment-timeout-s <n>', 'longest wait for the publication after one increment', int('--increment-timeout-s'), 900)
  .option('--no-offline', 'skip the offline reference (the default recipe trained on the clean scenario\'s delivered labels)')
  .option('--offline-steps <n>', 'training steps of the offline reference (default: the steps the clean scenario\'s trainer ran, within the time it took)', int('--offline-steps'))
  .option('--quick', 'small run: 300 catalog items per class, increments 100,300,1000, 120 steps each, 100 test items per class')
  .parse(process.argv)
  .opts<OnlineOptions>();

if (options.quick) {
  const given = (flag: string) => process.argv.some((a) => a.startsWith(flag));
  if (!given('--increments')) options.increments = '100,300,1000';
  if (!given('--catalog-per-class')) options.catalogPerClass = 300;
  if (!given('--eval-per-class')) options.evalPerClass = 100;
  if (!given('--steps-per-increment')) options.stepsPerIncrement = 120;
}
const increments = options.increments.split(',').map((s) => int('--increments')(s.trim())).sort((a, b) => a - b);
const scenarios = options.scenarios.split(',').map((s) => s.trim()) as Scenario[];
for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`--scenarios: unknown scenario '${s}'; expected some of ${SCENARIOS.join(', ')}`);
const seenClasses = options.seenClasses.split(',').map((s) => int('--seen-classes')(s.trim()));
const unseenClasses = [...Array(10).keys()].filter((c) => !seenClasses.includes(c));
if (!(options.poisonShare > 0 && options.poisonShare < 1)) throw new Error(`--poison-share: expected a share in (0, 1), got ${options.poisonShare}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForStatus(dataDir: string, what: string, timeoutS: number, check: (s: TrainerStatus) => boolean, onPoll?: (s: TrainerStatus) => void): Promise<TrainerStatus> {
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    const status = await readTrainerStatus(dataDir);
    if (status) onPoll?.(status);
    if (status && check(status)) return status;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
}

async function post(url: string, body: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.status !== 202) throw new Error(`POST ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** One scored point of a scenario's curve. */
interface CurveRow {
  scenario: Scenario;
  events: number;
  version: string;
  seen: SetScore;
  unseen: SetScore;
  /** Drift: MAP@R of the late class's queries among all seen test items. */
  lateMapAtR?: number;
  steps: number;
  publications: number;
  rejections: number;
  elapsedS: number;
}

/** Label events each scenario delivered, for the offline reference. */
const delivered = new Map<Scenario, LabelEvent[]>();

/** Runs one scenario on a fresh, empty service: the catalog, then each increment of labels, scoring the live model after each. */
async function runScenario(scenario: Scenario, catalog: ImageDataset, sets: { seen: EvaluationSet; unseen: EvaluationSet }): Promise<CurveRow[]> {
  const started = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), `discern-bench-online-${scenario}-`));
  const config = loadConfig({
    ...process.env,
    DISCERN_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    FEEDBACK_TRAINING_STEPS: String(options.stepsPerIncrement),
    PUBLISH_EVERY_STEPS: String(Math.max(options.stepsPerIncrement, 1) * 10),
    PUBLISH_EVERY_SECONDS: '86400',
    FEEDBACK_FRESHNESS_SECONDS: '86400',
    POISON_GUARD: scenario === 'poisoned-unguarded' ? 'off' : 'on',
  });
  const service = await runEmbeddedService(config);
  const url = service.api.url;
  const runtime = createOnnxModelRuntime(createModelStore({ kind: 'fs', dir: join(dataDir, 'models') }));
  const rows: CurveRow[] = [];
  try {
    const total = catalog.labels.length;
    const seeding = createProgress({ unit: 'items', total, log, message: `${scenario}: streaming the catalog through POST /v1/items` });
    for (const { body, items } of itemBodies(catalog, 'train', 1000, { labelled: false })) {
      await post(`${url}/v1/items`, body);
      seeding.tick(items);
    }
    seeding.done();
    await waitForStatus(dataDir, 'the trainer to read the catalog', options.incrementTimeoutS, (s) => s.consumed.items >= total && !s.backlogged && s.modelVersion !== undefined);

    const stream = labelStream({ catalog, seenClasses, lateClass: options.lateClass, scenario, poisonShare: options.poisonShare, honestSources: options.honestSources, seed: options.seed });
    const reachable = increments.filter((n) => n <= stream.available * (1 + options.poisonShare));
    if (reachable.length < increments.length) log.warn({ available: stream.available, dropped: increments.filter((n) => !reachable.includes(n)) }, 'the catalog has too few seen items for some increments');
    let sent = 0;
    delivered.set(scenario, []);
    for (const [k, upTo] of reachable.entries()) {
      const events: LabelEvent[] = stream.events(upTo, k === reachable.length - 1);
      delivered.get(scenario)!.push(...events);
      for (let i = 0; i < events.length; i += 1000) await post(`${url}/v1/feedback`, JSON.stringify({ events: events.slice(i, i + 1000) }));
      sent += events.length;
      const read = await waitForStatus(dataDir, `the trainer to read ${sent} label events`, options.incrementTimeoutS, (s) => s.consumed.feedback >= sent);
      const training = createProgress({ unit: 'steps', total: options.stepsPerIncrement, log, message: `${scenario}: training on ${sent} label events`, intervalMs: 10_000 });
      const judged = await waitForStatus(
        dataDir,
        `a candidate trained on ${sent} label events`,
        options.incrementTimeoutS,
        (s) => s.publications + s.rejections > read.publications + read.rejections && s.steps > read.steps,
        (s) => training.tick(s.steps - read.steps - training.count, { publications: s.publications, rejections: s.rejections, loss: s.lastLoss }),
      );
      training.done();
      const version = judged.modelVersion!;
      const seen = await versionScore(runtime, version, sets.seen);
      const row: CurveRow = {
        scenario,
        events: sent,
        version,
        seen,
        unseen: await versionScore(runtime, version, sets.unseen),
        ...(scenario === 'drift' ? { lateMapAtR: seen.mapAtRByClass[options.lateClass] } : {}),
        steps: judged.steps,
        publications: judged.publications,
        rejections: judged.rejections,
        elapsedS: round((performance.now() - started) / 1000, 1),
      };
      rows.push(row);
      log.info({ ...row, seen: mapOf(row.seen), unseen: mapOf(row.unseen), lastRejection: judged.lastRejection?.reason }, `${scenario}: scored the live model`);
    }
    verdicts.set(scenario, await attackerVerdicts(url));
  } finally {
    await runtime.close();
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const verdicts = new Map<Scenario, Record<string, number>>();

/** The poisoning guard's verdicts on the attacker's labels, from the service's /metrics. */
async function attackerVerdicts(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^discern_trainer_feedback_verdicts_total\\{[^}]*source="${ATTACKER_SOURCE}"[^}]*verdict="(\\w+)"[^}]*\\} (\\d+)`, 'gm');
  for (const m of text.matchAll(pattern)) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  return out;
}

const mapOf = (s: SetScore) => ({ mapAtR: round(s.mapAtR, 4), recallAt1: round(s.recallAt1, 4) });

const benchStarted = performance.now();
const catalog = await loadFashionMnist({ split: 'train', perClassLimit: options.catalogPerClass });
const test = await loadFashionMnist({ split: 'test' });
const sets = {
  seen: evaluationSet('seen', test, seenClasses, options.evalPerClass),
  unseen: evaluationSet('unseen', test, unseenClasses, options.evalPerClass),
};
const raw = { seen: await rawScore(sets.seen), unseen: await rawScore(sets.unseen) };
log.info({ catalogItems: catalog.labels.length, seenClasses, unseenClasses, increments, scenarios, raw: { seen: mapOf(raw.seen), unseen: mapOf(raw.unseen) } }, 'raw-pixel reference scored; starting the scenarios');

const overall = createProgress({ unit: 'scenarios', total: scenarios.length, log, message: 'bench:online', intervalMs: 0 });
const curves = new Map<Scenario, CurveRow[]>();
for (const scenario of scenarios) {
  curves.set(scenario, await runScenario(scenario, catalog, sets));
  overall.tick(1, { finished: scenario });
}
overall.done();

// The offline default recipe on the labelled items the clean stream delivered, held-out ones
// left out as the service leaves them out, within the steps and wall time the clean run trained.
let offline: OfflineReference | undefined;
const cleanRows = curves.get('clean');
if (options.offline && cleanRows && cleanRows.length > 0) {
  const backend = await selectBackend('auto', { log });
  const data = deliveredTrainingSet(catalog, delivered.get('clean')!, createHoldout({ fraction: loadConfig(process.env).trainer.holdoutFraction }));
  const budget = { steps: options.offlineSteps ?? cleanRows.at(-1)!.steps, maxSeconds: cleanRows.at(-1)!.elapsedS };
  log.info({ backend: backend.name, recipe: defaultRecipe.name, items: data.labels.length, ...budget }, 'training the offline reference');
  offline = await offlineReference(defaultRecipe, data, sets, budget, log, options.seed);
  log.info({ ...offline, seen: mapOf(offline.seen), unseen: mapOf(offline.unseen) }, 'offline reference scored');
}

const last = (s: Scenario) => curves.get(s)?.at(-1);
// The clean and poisoned live models answer the same test queries: the paired standard error says how much of their gap is chance.
const pairedStdErr = (a?: SetScore, b?: SetScore) => (a?.vectors && b?.vectors ? pairedMapAtRStdErr(a.vectors, a.vectors.length / sets.seen.labels.length, b.vectors, b.vectors.length / sets.seen.labels.length, sets.seen.labels) : undefined);
const poisonedDropStdErr = await pairedStdErr(last('clean')?.seen, last('poisoned')?.seen);
const clean = curves.get('clean') ?? [];
const beat = clean.find((r) => r.seen.mapAtR > raw.seen.mapAtR);
const summary = {
  seenMapAtR: last('clean') && round(last('clean')!.seen.mapAtR, 4),
  unseenMapAtR: last('clean') && round(last('clean')!.unseen.mapAtR, 4),
  seenRecallAt1: last('clean') && round(last('clean')!.seen.recallAt1, 4),
  unseenRecallAt1: last('clean') && round(last('clean')!.unseen.recallAt1, 4),
  rawSeenMapAtR: round(raw.seen.mapAtR, 4),
  rawUnseenMapAtR: round(raw.unseen.mapAtR, 4),
  rawSeenRecallAt1: round(raw.seen.recallAt1, 4),
  rawUnseenRecallAt1: round(raw.unseen.recallAt1, 4),
  offlineSeenMapAtR: offline && round(offline.seen.mapAtR, 4),
  offlineUnseenMapAtR: offline && round(offline.unseen.mapAtR, 4),
  offline: offline && { recipe: offline.recipe, items: offline.items, steps: offline.steps, seconds: round(offline.seconds, 1), seen: mapOf(offline.seen), unseen: mapOf(offline.unseen) },
  eventsToBeatRaw: beat ? beat.events : null,
  cleanSeenMapAtR: last('clean') && round(last('clean')!.seen.mapAtR, 4),
  poisonedSeenMapAtR: last('poisoned') && round(last('poisoned')!.seen.mapAtR, 4),
  poisonedDropStdErr: poisonedDropStdErr === undefined ? undefined : round(poisonedDropStdErr, 4),
  unguardedPoisonedSeenMapAtR: last('poisoned-unguarded') && round(last('poisoned-unguarded')!.seen.mapAtR, 4),
  driftLateClassMapAtR: last('drift')?.lateMapAtR === undefined ? undefined : round(last('drift')!.lateMapAtR!, 4),
  driftLateClassMapAtRBefore: curves.get('drift')?.at(-2)?.lateMapAtR === undefined ? undefined : round(curves.get('drift')!.at(-2)!.lateMapAtR!, 4),
  rawLateClassMapAtR: scenarios.includes('drift') ? round(raw.seen.mapAtRByClass[options.lateClass], 4) : undefined,
  attackerVerdicts: Object.fromEntries([...verdicts].filter(([s]) => s.startsWith('poisoned'))),
  poisonShare: scenarios.some((s) => s.startsWith('poisoned')) ? options.poisonShare : undefined,
  increments,
  catalogItems: catalog.labels.length,
  stepsPerIncrement: options.stepsPerIncrement,
  curves: Object.fromEntries([...curves].map(([s, rows]) => [s, rows.map((r) => ({ events: r.events, version: r.version, seen: mapOf(r.seen), unseen: mapOf(r.unseen), ...(r.lateMapAtR !== undefined ? { lateClassMapAtR: round(r.lateMapAtR, 4) } : {}), steps: r.steps, rejections: r.rejections }))])),
  elapsedS: round((performance.now() - benchStarted) / 1000, 1),
};

const table: ResultRow[] = [
  ['raw pixels · seen MAP@R / R@1', `${round(raw.seen.mapAtR, 4)} / ${round(raw.seen.recallAt1, 4)}`, 'reference', ''],
  ['raw pixels · unseen MAP@R / R@1', `${round(raw.unseen.mapAtR, 4)} / ${round(raw.unseen.recallAt1, 4)}`, 'reference', ''],
];
if (offline) {
  table.push([
    `offline '${offline.recipe}' recipe · ${offline.items} items · ${offline.steps} steps, ${round(offline.seconds, 0)} s`,
    `seen ${round(offline.seen.mapAtR, 4)} / ${round(offline.seen.recallAt1, 4)}  unseen ${round(offline.unseen.mapAtR, 4)} / ${round(offline.unseen.recallAt1, 4)}`,
    'reference',
    '',
  ]);
}
for (const [scenario, rows] of curves) {
  for (const r of rows) {
    table.push([
      `${scenario} · ${r.events} events · ${r.version}`,
      `seen ${round(r.seen.mapAtR, 4)} / ${round(r.seen.recallAt1, 4)}  unseen ${round(r.unseen.mapAtR, 4)} / ${round(r.unseen.recallAt1, 4)}${r.lateMapAtR !== undefined ? `  late class ${round(r.lateMapAtR, 4)}` : ''}`,
      '',
      '',
    ]);
  }
}
if (clean.length > 0) table.push(['events to beat raw pixels (seen)', String(summary.eventsToBeatRaw ?? 'not reached'), '≤ 10000', verdict(beat !== undefined && beat.events <= 10_000)]);
if (last('clean')) table.push(['unseen vs raw', `${round(last('clean')!.unseen.mapAtR / raw.unseen.mapAtR, 3)}×`, '≥ 0.95×', verdict(last('clean')!.unseen.mapAtR >= 0.95 * raw.unseen.mapAtR)]);
if (last('clean') && last('poisoned')) {
  const drop = last('clean')!.seen.mapAtR - last('poisoned')!.seen.mapAtR;
  table.push([`poisoned (${options.poisonShare * 100} % flipped) drop`, `${round(drop, 4)}${poisonedDropStdErr !== undefined ? ` ± ${round(poisonedDropStdErr, 4)} (paired s.e.)` : ''}`, '≤ 0.02', verdict(drop <= 0.02)]);
}
printResultsTable(table);

const outDir = resolve(options.out);
await mkdir(outDir, { recursive: true });
const points: CurvePoint[] = [...curves].flatMap(([scenario, rows]) =>
  rows.flatMap((r) => [
    { scenario, set: 'seen' as const, events: r.events, mapAtR: r.seen.mapAtR },
    { scenario, set: 'unseen' as const, events: r.events, mapAtR: r.unseen.mapAtR },
  ]),
);
const references = [
  ...(['seen', 'unseen'] as const).map((set) => ({ set, mapAtR: raw[set].mapAtR, label: `raw pixels · ${set}` })),
  ...(offline ? (['seen', 'unseen'] as const).map((set) => ({ set, mapAtR: offline![set].mapAtR, label: `offline ${offline!.recipe} recipe · ${set}` })) : []),
];
await writeFile(join(outDir, 'learning-curve.svg'), await learningCurveSvg(points, references));
await writeFile(join(outDir, 'table.txt'), table.map((r) => r.filter(Boolean).join('  |  ')).join('\n') + '\n');
await writeFile(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
log.info({ outDir, files: ['learning-curve.svg', 'table.txt', 'summary.json'] }, 'results written');
console.log(JSON.stringify(summary));
process.exit(0);
