import { Command } from 'commander';
import { selectBackend, backendPreferences, type BackendPreference } from '../../src/backend';
import { nonNegativeInt, positiveInt, positiveNumber } from '../../src/cli/options';
import { formatTable } from '../../src/cli/print-table';
import { loadDataset, parseClassList } from '../../src/data';
import { lossNames, type LossName } from '../../src/dml/registry';
import { evaluateEmbeddings, rawPixelBaseline, type RetrievalMetrics } from '../../src/eval';
import { createLogger } from '../../src/log/logger';
import { getRecipe, trainSoftmaxWithRecipe, trainWithRecipe, type TrainingRecipe } from '../../src/recipes';
import type { TrainedEncoder } from '../../src/offline-training/train-encoder';
import type { StepReport } from '../../src/offline-training/training-loop';
import { embedWithEncoder } from './embed-with-encoder';
import { lossLineup } from './loss-lineup';

const log = createLogger('bench-quality');

interface QualityOptions {
  trainClasses: string;
  evalClasses: string;
  recipe: string;
  seconds?: number;
  steps?: number;
  lossSeconds: number;
  lossSteps?: number;
  reference: boolean;
  losses: string;
  trainLimit?: number;
  evalPerClass?: number;
  withoutAnchor?: boolean;
  seed: number;
  backend: BackendPreference;
  quick?: boolean;
}

const options = new Command()
  .name('bench-quality')
  .description('Retrieval quality on classes unseen in training: raw pixels, softmax, the default recipe and every registry loss')
  .option('--train-classes <list>', 'classes trained on (TRAIN split)', '0-4')
  .option('--eval-classes <list>', 'classes evaluated (TEST split), disjoint from the training classes', '5-9')
  .option('--recipe <name>', 'recipe whose network and settings every run uses', 'default')
  .option('--seconds <s>', "time budget of the recipe, softmax and reference runs (default: the recipe's own budget)", positiveNumber('--seconds'))
  .option('--steps <n>', 'fixed step budget of the recipe, softmax and reference runs instead of seconds (machine-independent)', positiveInt('--steps'))
  .option('--loss-seconds <s>', 'budget of each per-loss run', positiveNumber('--loss-seconds'), 90)
  .option('--loss-steps <n>', 'fixed step budget of each per-loss run instead of seconds', positiveInt('--loss-steps'))
  .option('--no-reference', "skip the reference run: the recipe trained on the evaluation classes' own labels")
  .option('--losses <list>', 'registry losses to run, comma-separated', lossNames.join(','))
  .option('--train-limit <n>', 'train on at most this many items', positiveInt('--train-limit'))
  .option('--eval-per-class <n>', 'evaluate on at most this many items per class', positiveInt('--eval-per-class'))
  .option('--without-anchor', "drop the recipe's input-similarity term from the per-loss runs (the recipe row keeps it)")
  .option('--seed <n>', 'random seed of every run', nonNegativeInt('--seed'), 0)
  .option('--backend <name>', `TF.js backend (${backendPreferences.join(', ')})`, 'auto')
  .option('--quick', 'smoke test: 3 s recipe/softmax/reference runs, 1 s per loss, 2000 training items, 100 eval items per class')
  .parse(process.argv)
  .opts<QualityOptions>();

if (!(backendPreferences as readonly string[]).includes(options.backend)) throw new Error(`--backend must be one of ${backendPreferences.join(', ')}, got '${options.backend}'`);
const trainClasses = parseClassList(options.trainClasses, '--train-classes');
const evalClasses = parseClassList(options.evalClasses, '--eval-classes');
const shared = evalClasses.filter((c) => trainClasses.includes(c));
if (shared.length > 0) throw new Error(`--eval-classes: class(es) ${shared.join(', ')} are also in --train-classes; evaluation classes must be unseen in training`);
const losses = options.losses.split(',').map((l) => l.trim()) as LossName[];
for (const l of losses) if (!(lossNames as string[]).includes(l)) throw new Error(`--losses: unknown loss '${l}'; expected some of ${lossNames.join(', ')}`);
const recipe = getRecipe(options.recipe);
const lossSeconds = options.quick && options.lossSeconds === 90 ? 1 : options.lossSeconds;
const trainLimit = options.trainLimit ?? (options.quick ? 2000 : undefined);
const evalPerClass = options.evalPerClass ?? (options.quick ? 100 : undefined);

const backend = await selectBackend(options.backend, { log });
const train = await loadDataset({ data: 'fashion-mnist', split: 'train', classes: trainClasses, limit: trainLimit });
const test = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: evalClasses, perClassLimit: evalPerClass });
const seenTest = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: trainClasses, perClassLimit: evalPerClass });
const data = { inputs: train.images, labels: train.labels };
// The recipe's own budget unless one is given; --quick shrinks it to a smoke test.
const recipeBudget: Budget = options.steps
  ? { steps: options.steps }
  : options.seconds !== undefined || options.quick
    ? { maxSeconds: options.seconds ?? 3 }
    : { steps: recipe.steps, maxSeconds: recipe.maxSeconds };
const lossBudget: Budget = options.lossSteps ? { steps: options.lossSteps } : { maxSeconds: lossSeconds };
const plannedRuns = `${options.reference ? 3 : 2} × ${describeBudget(recipeBudget)} + ${losses.length} × ${describeBudget(lossBudget)}`;
progress(`backend ${backend.name}; train ${train.labels.length} items of classes ${trainClasses.join(',')} (TRAIN), evaluate ${test.labels.length} items of classes ${evalClasses.join(',')} (TEST); training planned: ${plannedRuns}`);

type Budget = { steps?: number; maxSeconds?: number };

interface Row {
  method: string;
  loss: string;
  miner: string;
  /** On the unseen evaluation classes. */
  metrics: RetrievalMetrics;
  /** On held-out (TEST split) items of the training classes. */
  seen?: RetrievalMetrics;
  trainingSeconds: number;
  steps?: number;
  samplesPerSecond?: number;
}
const rows: Row[] = [];
const started = Date.now();

rows.push({ method: 'raw pixels', loss: '-', miner: '-', metrics: await rawPixelBaseline(test.images, test.labels), seen: await rawPixelBaseline(seenTest.images, seenTest.labels), trainingSeconds: 0 });
progress(`raw pixels: MAP@R ${rows[0].metrics.mapAtR.toFixed(4)}`);

const seed = options.seed;
rows.push(await run('softmax (same network and budget)', 'softmax cross-entropy', '-', recipeBudget, (onStep) => trainSoftmaxWithRecipe(recipe, data, { ...recipeBudget, seed, onStep, log })));
rows.push(await run(`recipe '${recipe.name}'`, describeLoss(recipe), recipe.miner?.name ?? 'none', recipeBudget, (onStep) => trainWithRecipe(recipe, data, { ...recipeBudget, seed, onStep, log })));
for (const loss of losses) {
  const miner = lossLineup[loss];
  const variant: TrainingRecipe = {
    ...recipe,
    name: `${recipe.name}/${loss}`,
    loss: { name: loss },
    miner: miner === 'none' ? undefined : { name: miner },
    inputSimilarity: options.withoutAnchor ? undefined : recipe.inputSimilarity,
  };
  rows.push(await run(`loss ${loss}`, loss, miner, lossBudget, (onStep) => trainWithRecipe(variant, data, { ...lossBudget, seed, onStep, log })));
}
// Not a result on unseen classes: the recipe given the evaluation classes' own labels (their TRAIN
// split), what its objective reaches on them when nothing has to transfer.
let reference: Row | undefined;
if (options.reference) {
  const own = await loadDataset({ data: 'fashion-mnist', split: 'train', classes: evalClasses, limit: trainLimit });
  reference = await run(`reference: recipe trained on ${evalClasses.join(',')}`, describeLoss(recipe), recipe.miner?.name ?? 'none', recipeBudget, (onStep) =>
    trainWithRecipe(recipe, { inputs: own.images, labels: own.labels }, { ...recipeBudget, seed, onStep, log }),
    { seen: false },
  );
}

const raw = rows[0].metrics.mapAtR;
const softmax = rows[1].metrics.mapAtR;
const recipeMap = rows[2].metrics.mapAtR;
const goals = {
  recipeOverRawPixels: { goal: '≥ 1.25 × raw-pixel MAP@R', value: recipeMap / raw, met: recipeMap >= 1.25 * raw },
  recipeOverSoftmax: { goal: '> softmax MAP@R', value: recipeMap - softmax, met: recipeMap > softmax },
};
const anchorNote = recipe.inputSimilarity && !options.withoutAnchor ? ", input-similarity anchor kept" : '';
console.log(`\nRetrieval on unseen classes: train ${trainClasses.join(',')} (TRAIN split, ${train.labels.length} items) → evaluate ${evalClasses.join(',')} (TEST split, ${test.labels.length} items); backend ${backend.name}`);
console.log(`Recipe and softmax: ${describeBudget(recipeBudget)} each; per-loss rows: ${describeBudget(lossBudget)} each, recipe '${recipe.name}' network and settings with the loss and miner swapped${anchorNote}.`);
console.log(`'seen' columns: the same model on held-out TEST items of the training classes ${trainClasses.join(',')} (${seenTest.labels.length} items).\n`);
const seenRaw = rows[0].seen!.mapAtR;
console.log(
  formatTable(
    [...rows, ...(reference ? [reference] : [])].map((r) => ({
      method: r.method,
      loss: r.loss,
      miner: r.miner,
      'MAP@R': r.metrics.mapAtR,
      'R@1': r.metrics.recallAt1,
      NMI: r.metrics.nmi,
      'MAP@R vs raw': `${(r.metrics.mapAtR / raw).toFixed(2)}×`,
      'seen MAP@R': r.seen?.mapAtR,
      'seen vs raw': r.seen ? `${(r.seen.mapAtR / seenRaw).toFixed(2)}×` : '',
      'train s': r.trainingSeconds,
      steps: r.steps,
    })),
  ),
);
console.log(`\nMAP@R per unseen class (TEST split)${reference ? '; the reference row was trained on these classes, with their labels: not a result on unseen classes' : ''}:\n`);
const perClassColumns: [string, Row][] = [['raw pixels', rows[0]], ['softmax', rows[1]], [`recipe '${recipe.name}'`, rows[2]], ...(reference ? [['reference', reference] as [string, Row]] : [])];
console.log(
  formatTable(
    evalClasses.map((c) => ({
      class: `${c} ${test.classNames[c] ?? ''}`.trim(),
      ...Object.fromEntries(perClassColumns.map(([column, r]) => [column, r.metrics.mapAtRByClass[c]])),
    })),
  ),
);
console.log('');
console.log(
  formatTable([
    { check: `recipe '${recipe.name}' MAP@R vs raw pixels`, figure: `${recipeMap.toFixed(4)} / ${raw.toFixed(4)} = ${goals.recipeOverRawPixels.value.toFixed(3)}×`, goal: goals.recipeOverRawPixels.goal, verdict: goals.recipeOverRawPixels.met ? 'met' : 'missed' },
    { check: `recipe '${recipe.name}' MAP@R vs softmax`, figure: `${recipeMap.toFixed(4)} vs ${softmax.toFixed(4)}`, goal: goals.recipeOverSoftmax.goal, verdict: goals.recipeOverSoftmax.met ? 'met' : 'missed' },
  ]),
);
console.log(`\nbench time ${((Date.now() - started) / 1000).toFixed(0)} s${options.quick ? ' (--quick: smoke-test budgets, figures not meaningful)' : ''}\n`);
console.log(
  JSON.stringify({
    bench: 'quality',
    quick: Boolean(options.quick),
    backend: backend.name,
    recipe: recipe.name,
    trainClasses,
    evalClasses,
    trainItems: train.labels.length,
    evalItems: test.labels.length,
    seenItems: seenTest.labels.length,
    recipeBudget,
    lossBudget,
    rows: rows.map((r) => jsonRow(r)),
    reference: reference ? jsonRow(reference) : undefined,
    goals,
  }),
);

async function run(
  method: string,
  loss: string,
  miner: string,
  budget: Budget,
  trainFn: (onStep: (r: StepReport) => void) => Promise<TrainedEncoder>,
  { seen = true } = {},
): Promise<Row> {
  progress(`${method}: training for ${describeBudget(budget)} (${Math.round((Date.now() - started) / 1000)} s into the bench)`);
  let lastReport = Date.now();
  const onStep = (r: StepReport) => {
    if (Date.now() - lastReport < 30_000) return;
    lastReport = Date.now();
    const of = `step ${r.step}${budget.steps ? `/${budget.steps}` : ''}, ${r.elapsedSeconds.toFixed(0)}${budget.maxSeconds ? `/${budget.maxSeconds}` : ''} s`;
    progress(`${method}: ${of}, loss ${r.loss.toFixed(4)}`);
  };
  const { encoder, summary } = await trainFn(onStep);
  try {
    const metrics = await evaluateEmbeddings(embedWithEncoder(encoder, test.images, test.labels.length), encoder.dim, test.labels);
    const seenMetrics = seen ? await evaluateEmbeddings(embedWithEncoder(encoder, seenTest.images, seenTest.labels.length), encoder.dim, seenTest.labels) : undefined;
    progress(`${method}: MAP@R ${metrics.mapAtR.toFixed(4)}, R@1 ${metrics.recallAt1.toFixed(4)}${seenMetrics ? `, seen-class MAP@R ${seenMetrics.mapAtR.toFixed(4)}` : ''} after ${summary.steps} steps`);
    return { method, loss, miner, metrics, seen: seenMetrics, trainingSeconds: summary.seconds, steps: summary.steps, samplesPerSecond: summary.samplesPerSecond };
  } finally {
    encoder.dispose();
  }
}

function jsonRow(r: Row) {
  return {
    method: r.method,
    loss: r.loss,
    miner: r.miner,
    ...r.metrics,
    relativeMapAtR: r.metrics.mapAtR / raw,
    seenMapAtR: r.seen?.mapAtR,
    seenRecallAt1: r.seen?.recallAt1,
    seenRelativeMapAtR: r.seen ? r.seen.mapAtR / seenRaw : undefined,
    trainingSeconds: r.trainingSeconds,
    steps: r.steps,
    samplesPerSecond: r.samplesPerSecond,
  };
}

function describeBudget(budget: Budget): string {
  const parts = [budget.steps ? `${budget.steps} steps` : '', budget.maxSeconds ? `${budget.maxSeconds} s` : ''].filter(Boolean);
  return parts.join(' or ') || 'no limit';
}

function describeLoss(r: TrainingRecipe): string {
  return r.inputSimilarity && r.inputSimilarity.weight > 0 ? `${r.loss.name} + input similarity` : r.loss.name;
}

function progress(message: string): void {
  process.stderr.write(`bench:quality ${message}\n`);
}
