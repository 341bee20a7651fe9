import { COMMANDS } from '../command-index';
import { Option, type Command } from 'commander';
import { backendPreferences, selectBackend, type BackendPreference } from '../../backend';
import { loadDataset } from '../../data';
import { evaluateEmbeddings, rawPixelBaseline, type RetrievalMetrics } from '../../eval';
import { createLogger } from '../../log/logger';
import { embedWithModel } from '../embed-with-model';
import { readTrainingProvenance, readTrainingRecord } from '../model-dir';
import { modelImageShape } from '../model-input-shape';
import { printJsonLine } from '../options';
import { formatTable } from '../print-table';

const log = createLogger('eval');

interface EvalOptions {
  model?: string;
  baseline?: 'raw-pixels';
  data: string;
  classes?: string;
  split: 'train' | 'test';
  distance: 'cosine' | 'euclidean';
  backend: BackendPreference;
  json?: boolean;
}

/** `discern eval`: retrieval metrics of a model (or raw pixels) on held-out classes. */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(COMMANDS.eval.summary)
    .option('--model <dir|file.onnx>', 'a training directory or an exported ONNX model')
    .addOption(new Option('--baseline <name>', 'evaluate a baseline instead of a model').choices(['raw-pixels']))
    .requiredOption('--data <source>', "'fashion-mnist' or a folder with one sub-folder of images per class")
    .option('--classes <list>', "classes to evaluate, by id or name, e.g. '5-9' or 'Sandal,Bag' (default: all)")
    .addOption(new Option('--split <split>', 'which split to evaluate').choices(['train', 'test']).default('test'))
    .addOption(new Option('--distance <name>', 'distance between embeddings').choices(['cosine', 'euclidean']).default('cosine'))
    .addOption(new Option('--backend <name>', 'TF.js backend for checkpoints').choices([...backendPreferences]).default('auto'))
    .option('--json', 'print the metrics as one JSON object on the last line')
    .action(async (options: EvalOptions) => {
      const metrics = await runEval(options);
      if (options.json) printJsonLine(metrics);
    });
}

async function runEval(options: EvalOptions): Promise<RetrievalMetrics & { items: number; classes: string; model: string }> {
  if ((options.model === undefined) === (options.baseline === undefined)) throw new Error('give exactly one of --model or --baseline');
  // A folder's images are loaded at the size the model takes; Fashion-MNIST has one size.
  const record = options.model ? readTrainingRecord(options.model) : undefined;
  const provenance = options.model ? readTrainingProvenance(options.model) : undefined;
  const shape = options.model ? modelImageShape(options.model, record) : undefined;
  if (shape && options.data === 'fashion-mnist' && (shape.height !== 28 || shape.width !== 28 || shape.channels !== 1)) {
    throw new Error(`--model takes ${shape.height}×${shape.width}×${shape.channels} images; fashion-mnist images are 28×28×1`);
  }
  const dataset = await loadDataset({ data: options.data, split: options.split, classes: options.classes, classesField: '--classes', ...(options.data === 'fashion-mnist' ? {} : shape) });
  if (provenance && provenance.data === options.data) {
    const overlap = [...new Set(dataset.labels)].filter((c) => provenance.trainClasses.includes(c));
    if (overlap.length > 0) {
      const named = overlap.map((c) => `${c} ${dataset.classNames[c] ?? ''}`.trim());
      throw new Error(`--classes: ${named.join(', ')} were used in training; evaluate on classes disjoint from training`);
    }
  }
  let metrics: RetrievalMetrics;
  let model: string;
  if (options.baseline === 'raw-pixels') {
    metrics = await rawPixelBaseline(dataset.images, dataset.labels, { distance: options.distance });
    model = 'raw-pixels';
  } else {
    await selectBackend(options.backend);
    const { embeddings, dim, source } = await embedWithModel(options.model!, dataset);
    metrics = await evaluateEmbeddings(embeddings, dim, dataset.labels, { distance: options.distance });
    model = `${options.model} (${source})`;
  }
  const result = { ...metrics, items: dataset.labels.length, classes: [...new Set(dataset.labels)].sort((a, b) => a - b).join(','), model };
  log.info(result, 'evaluation done');
  const { mapAtRByClass, ...overall } = result;
  console.log(formatTable([overall]));
  console.log(formatTable(perClassRows(mapAtRByClass, dataset.labels, dataset.classNames)));
  return result;
}

function perClassRows(byClass: Record<number, number>, labels: Int32Array, classNames: readonly string[]) {
  return Object.entries(byClass).map(([label, mapAtR]) => ({
    class: `${label} ${classNames[Number(label)] ?? ''}`.trim(),
    items: labels.filter((l) => l === Number(label)).length,
    'MAP@R': mapAtR,
  }));
}
