import { COMMANDS } from '../command-index';
import { Option, type Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OnnxBackbone, parsePreprocessSpec, readOnnxModelInfo, type PreprocessSpec } from '../../backbone';
import { backendPreferences, selectBackend, type BackendPreference } from '../../backend';
import { itemSize, loadDataset } from '../../data';
import { lossNames, minerNames } from '../../dml/registered';
import { fitEncoderToImages, saveCheckpoint } from '../../encoder';
import { createFsCheckpointStore } from '../../store/checkpoint-fs';
import { featureMlpConfig } from '../../encoder/default-configs';
import { createLogger } from '../../log/logger';
import { exportToOnnx } from '../../onnx';
import { getRecipe, recipes } from '../../recipes';
import type { TrainingRecipe } from '../../recipes/training-recipe';
import { trainWithRecipe } from '../../recipes/train-with-recipe';
import { resolveTrainingThreads } from '../../training-threads/training-threads';
import { startGradientReplicas } from '../../training-threads/gradient-replicas';
import { MODEL_ONNX, withTrainingProvenance, writeTrainingRecord } from '../model-dir';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, printJsonLine } from '../options';
import { formatTable } from '../print-table';

const log = createLogger('train');

interface TrainOptions {
  data: string;
  classes?: string;
  out: string;
  recipe: string;
  loss?: string;
  miner?: string;
  p?: number;
  q?: number;
  steps?: number;
  epochs?: number;
  maxSeconds?: number;
  lr?: number;
  inputSimilarity?: number;
  seed: number;
  backend: BackendPreference;
  threads: string;
  backbone?: string;
  backbonePreprocess?: string;
  limit?: number;
  json?: boolean;
}

/** `discern train`: trains an encoder offline and writes a checkpoint plus its ONNX export. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(COMMANDS.train.summary)
    .requiredOption('--data <source>', "'fashion-mnist' or a folder with one sub-folder of images per class")
    .option('--classes <list>', "classes to train on, by id or name, e.g. '0-4' or 'Sneaker,Bag' (default: all)")
    .requiredOption('--out <dir>', 'output directory')
    .addOption(new Option('--recipe <name>', 'training recipe').choices(Object.keys(recipes)).default('default'))
    .addOption(new Option('--loss <name>', 'metric-learning loss (overrides the recipe)').choices([...lossNames]))
    .addOption(new Option('--miner <name>', 'pair/triplet miner (overrides the recipe)').choices([...minerNames]))
    .option('--p <n>', 'classes per batch (P)', positiveInt('--p'))
    .option('--q <n>', 'items per class in a batch (Q)', positiveInt('--q'))
    .option('--steps <n>', 'training steps', positiveInt('--steps'))
    .option('--epochs <n>', 'passes over the training items', positiveNumber('--epochs'))
    .option('--max-seconds <s>', 'wall-clock training budget in seconds', positiveNumber('--max-seconds'))
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'))
    .option('--input-similarity <weight>', "weight of the recipe's input-similarity anchor; 0 trains on the labels alone (best for the labelled classes themselves)", nonNegativeNumber('--input-similarity'))
    .option('--seed <n>', 'random seed', nonNegativeInt('--seed'), 0)
    .addOption(new Option('--backend <name>', 'TF.js backend').choices([...backendPreferences]).default('auto'))
    .option('--threads <n|auto>', "threads computing each step's gradients (data-parallel on the wasm and cpu backends; same result as one thread); auto: every core, up to 4 (default: TRAINING_THREADS, else 1)", process.env.TRAINING_THREADS || '1')
    .option('--backbone <file.onnx>', 'a frozen ONNX image backbone; only an MLP head on its features trains')
    .option('--backbone-preprocess <json>', 'backbone preprocessing spec as JSON (default: ImageNet mean/std, input size of the model)')
    .option('--limit <n>', 'use at most this many training items', positiveInt('--limit'))
    .option('--json', 'print the summary as one JSON object on the last line')
    .action(async (options: TrainOptions) => {
      const summary = await runTrain(options);
      if (options.json) printJsonLine(summary);
    });
}

async function runTrain(options: TrainOptions): Promise<Record<string, unknown>> {
  const threads = resolveTrainingThreads(options.threads);
  const backend = await selectBackend(options.backend);
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const dataset = await loadDataset({ data: options.data, split: 'train', classes: options.classes, classesField: '--classes', limit: options.limit });
  const classes = [...new Set(dataset.labels)].sort((a, b) => a - b);
  const classNames = classes.map((c) => dataset.classNames[c] ?? String(c));
  log.info({ data: options.data, items: dataset.labels.length, classes }, 'training data loaded');

  let recipe: TrainingRecipe = structuredClone(getRecipe(options.recipe));
  if (options.loss) recipe.loss = { name: options.loss };
  if (options.miner) recipe.miner = options.miner === 'none' ? undefined : { name: options.miner };
  if (options.p) recipe.classesPerBatch = options.p;
  if (options.q) recipe.itemsPerClass = options.q;
  if (options.lr) recipe.learningRate = options.lr;
  if (options.inputSimilarity !== undefined) recipe.inputSimilarity = options.inputSimilarity > 0 ? { ...recipe.inputSimilarity, weight: options.inputSimilarity } : undefined;

  let inputs: Float32Array | Uint8Array = dataset.images;
  let backbone: { path: string; preprocess: PreprocessSpec } | undefined;
  if (options.backbone) {
    const extracted = await backboneFeatures(options.backbone, options.backbonePreprocess, dataset, out);
    inputs = extracted.features;
    backbone = { path: resolve(options.backbone), preprocess: extracted.preprocess };
    recipe = { ...recipe, encoder: featureMlpConfig(extracted.dim), augmentation: undefined, instanceDiscrimination: undefined };
  } else {
    const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
    const fitted = fitEncoderToImages(recipe.encoder, shape, dataset.images);
    if (fitted !== recipe.encoder) {
      log.info({ input: shape, encoder: fitted }, 'encoder fitted to the image size and statistics');
      recipe = { ...recipe, encoder: fitted };
    }
  }

  const started = Date.now();
  const { encoder, summary } = await trainWithRecipe(recipe, { inputs, labels: dataset.labels }, {
    steps: options.steps,
    epochs: options.epochs,
    maxSeconds: options.maxSeconds,
    seed: options.seed,
    threads,
    startReplicas: startGradientReplicas,
    log,
  });
  const trainingSeconds = (Date.now() - started) / 1000;

  await saveCheckpoint(createFsCheckpointStore(out), encoder, { step: summary.steps, recipe: recipe.name });
  const onnx = withTrainingProvenance(exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }), { data: options.data, trainClasses: classes, trainClassNames: classNames });
  writeFileSync(join(out, MODEL_ONNX), onnx);
  const result = {
    ...summary,
    out,
    backend: backend.name,
    threads,
    recipe: recipe.name,
    loss: recipe.loss.name,
    miner: recipe.miner?.name ?? 'none',
    classes: classes.join(','),
    items: dataset.labels.length,
    trainingSeconds,
    onnxBytes: onnx.length,
  };
  await writeTrainingRecord(out, {
    recipe,
    data: options.data,
    trainClasses: classes,
    trainClassNames: classNames,
    input: { height: dataset.height, width: dataset.width, channels: dataset.channels },
    backbone,
    summary: result,
    finishedAt: new Date().toISOString(),
  });
  encoder.dispose();
  console.log(formatTable([Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v !== 'object'))]));
  return result;
}

async function backboneFeatures(path: string, preprocessJson: string | undefined, dataset: Awaited<ReturnType<typeof loadDataset>>, out: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const preprocess = parsePreprocessSpec(preprocessJson ? JSON.parse(preprocessJson) : defaultPreprocess(bytes, dataset.channels));
  const backbone = await OnnxBackbone.load(bytes, { preprocess, cache: { directory: join(out, 'feature-cache') } });
  try {
    const size = itemSize(dataset);
    const items = Array.from(dataset.labels, (_, i) => ({
      id: dataset.ids?.[i] ?? `item-${i}`,
      image: { data: dataset.images.subarray(i * size, (i + 1) * size), width: dataset.width, height: dataset.height, channels: dataset.channels as 1 | 3 },
    }));
    const rows = await backbone.features(items);
    const dim = rows[0].length;
    const features = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => features.set(row, i * dim));
    return { features, dim, preprocess };
  } finally {
    await backbone.release();
  }
}

/** ImageNet normalisation at the backbone's own input size, the convention of torchvision models. */
export function defaultPreprocess(model: Uint8Array, datasetChannels: number) {
  const info = readOnnxModelInfo(model);
  const dims = info.input.dims;
  const nchw = dims[1] === 1 || dims[1] === 3;
  const [channels, height, width] = nchw ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
  const c = typeof channels === 'number' ? channels : datasetChannels;
  return {
    layout: nchw ? 'NCHW' : 'NHWC',
    height: typeof height === 'number' ? height : 224,
    width: typeof width === 'number' ? width : 224,
    channels: c,
    mean: c === 3 ? [0.485, 0.456, 0.406] : [0.5],
    std: c === 3 ? [0.229, 0.224, 0.225] : [0.5],
    scale: 1 / 255,
  };
}
