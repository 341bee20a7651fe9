import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../src/config/load-config';
import { loadFashionMnist, type ImageDataset } from '../../src/data';
import { createProgress } from '../../src/progress/progress';
import { createHoldout } from '../../src/trainer/holdout';
import { createOnnxModelRuntime } from '../../src/serve/onnx-model-runtime';
import { runEmbeddedService } from '../../src/service/run';
import { createModelStore } from '../../src/store';
import { benchLog } from '../common/bench-log';
import { readTrainerStatus } from './trainer-status-file';
import { printResultsTable, round, verdict, type ResultRow } from '../common/results-table';
import { evaluationRows, rawScore, versionScore, type EvaluationSet, type SetScore } from './live-scores';

const log = benchLog('bench-online-seeded');

interface SeededOptions {
  minutes: number;
  intervalS: number;
  seedLimit?: number;
  goal: number;
  out: string;
}

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`${name}: expected a positive number, got '${v}'`);
  return n;
};

const options = new Command()
  .name('bench-online --seeded')
  .description("`discern start --seed fashion-mnist` (every item labelled) in this process: the live model's MAP@R on the held-out test items over time, beside raw pixels")
  .option('--seeded', 'this mode')
  .option('--minutes <n>', 'how long the service runs after start', positive('--minutes'), 15)
  .option('--interval-s <n>', 'seconds between two scorings of the live model', positive('--interval-s'), 60)
  .option('--seed-limit <n>', 'seed at most this many items per split (default: all 70,000)', positive('--seed-limit'))
  .option('--goal <x>', 'MAP@R ratio to raw pixels the live model should reach within --minutes', positive('--goal'), 1.6)
  .option('--out <dir>', 'where the table and JSON are written', 'out/bench-online-seeded')
  .parse(process.argv)
  .opts<SeededOptions>();

/**
 * The seeded test items the service holds out (by the same hash of their ids as the trainer), so
 * never trained on: the queries, and each other's gallery.
 */
function heldOutTestItems(test: ImageDataset, holdoutFraction: number): EvaluationSet {
  const holdout = createHoldout({ fraction: holdoutFraction });
  return evaluationRows('held-out test items', test, [...test.labels.keys()].filter((i) => holdout.holdsItem(`fmnist-test-${i}`)));
}

interface SeededRow {
  elapsedS: number;
  version: string;
  score: SetScore;
  steps: number;
  publications: number;
  rejections: number;
}

const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
const dataDir = await mkdtemp(join(tmpdir(), 'discern-bench-online-seeded-'));
const config = loadConfig({ ...process.env, DISCERN_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
const test = await loadFashionMnist({ split: 'test', limit: options.seedLimit });
const set = heldOutTestItems(test, config.trainer.holdoutFraction);
if (set.labels.length < 20) throw new Error(`only ${set.labels.length} held-out test items: raise --seed-limit or HOLDOUT_FRACTION`);
const raw = await rawScore(set);
log.info({ heldOut: set.labels.length, rawMapAtR: round(raw.mapAtR, 4), minutes: options.minutes }, 'raw-pixel reference scored; starting discern with the seeded catalog');

const service = await runEmbeddedService(config, { seed: 'fashion-mnist', seedLimit: options.seedLimit });
const runtime = createOnnxModelRuntime(createModelStore({ kind: 'fs', dir: join(dataDir, 'models') }));
const rows: SeededRow[] = [];
const progress = createProgress({ unit: 's', total: Math.round(options.minutes * 60), log, message: 'seeded service running', intervalMs: 0 });
try {
  let lastVersion: string | undefined;
  while (elapsedS() < options.minutes * 60) {
    await new Promise((r) => setTimeout(r, Math.min(options.intervalS * 1000, Math.max(0, options.minutes * 60 - elapsedS()) * 1000)));
    const status = await readTrainerStatus(dataDir);
    const version = status?.modelVersion;
    if (version !== undefined) {
      const score = version === lastVersion && rows.length > 0 ? rows.at(-1)!.score : await versionScore(runtime, version, set);
      lastVersion = version;
      rows.push({ elapsedS: round(elapsedS(), 1), version, score, steps: status!.steps, publications: status!.publications, rejections: status!.rejections });
    }
    progress.tick(Math.round(elapsedS()) - progress.count, { version, mapAtR: rows.at(-1) && round(rows.at(-1)!.score.mapAtR, 4), ratio: rows.at(-1) && round(rows.at(-1)!.score.mapAtR / raw.mapAtR, 3), steps: status?.steps });
  }
  progress.done();
} finally {
  await runtime.close();
  await service.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const final = rows.at(-1);
const reached = rows.find((r) => r.score.mapAtR >= options.goal * raw.mapAtR);
const summary = {
  seededMapAtR: final && round(final.score.mapAtR, 4),
  seededRecallAt1: final && round(final.score.recallAt1, 4),
  seededRawMapAtR: round(raw.mapAtR, 4),
  seededRawRecallAt1: round(raw.recallAt1, 4),
  seededRatio: final ? round(final.score.mapAtR / raw.mapAtR, 3) : null,
  seededBestRatio: rows.length > 0 ? round(Math.max(...rows.map((r) => r.score.mapAtR)) / raw.mapAtR, 3) : null,
  secondsToGoal: reached ? reached.elapsedS : null,
  goalRatio: options.goal,
  minutes: options.minutes,
  heldOutTestItems: set.labels.length,
  seededItems: test.labels.length + Math.min(options.seedLimit ?? 60_000, 60_000),
  curve: rows.map((r) => ({ elapsedS: r.elapsedS, version: r.version, mapAtR: round(r.score.mapAtR, 4), recallAt1: round(r.score.recallAt1, 4), steps: r.steps, publications: r.publications, rejections: r.rejections })),
};
const table: ResultRow[] = [
  ['raw pixels · held-out test items MAP@R / R@1', `${round(raw.mapAtR, 4)} / ${round(raw.recallAt1, 4)}`, 'reference', ''],
  ...rows.filter((r, i) => i === 0 || r.version !== rows[i - 1].version).map((r): ResultRow => [`${r.elapsedS} s · ${r.version} · ${r.steps} steps`, `${round(r.score.mapAtR, 4)} / ${round(r.score.recallAt1, 4)}  (${round(r.score.mapAtR / raw.mapAtR, 3)}× raw)`, '', '']),
  [`live model vs raw pixels after ${options.minutes} min`, `${summary.seededRatio ?? 'no live model'}×`, `≥ ${options.goal}×`, verdict(summary.seededRatio !== null && summary.seededRatio >= options.goal)],
];
printResultsTable(table);
const outDir = resolve(options.out);
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'table.txt'), table.map((r) => r.filter(Boolean).join('  |  ')).join('\n') + '\n');
await writeFile(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(JSON.stringify(summary));
process.exit(0);
