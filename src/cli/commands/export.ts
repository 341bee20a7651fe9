import * as tfl from '@tensorflow/tfjs-layers';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { fuseBackboneWithHead } from '../../backbone';
import { selectBackend } from '../../backend';
import { loadCheckpoint } from '../../encoder';
import { createLogger } from '../../log/logger';
import { exportToOnnx } from '../../onnx';
import { readTrainingRecord } from '../model-dir';

const log = createLogger('export');

/** `discern export`: one ONNX model from a training directory (fused with a backbone when given). */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Export a trained encoder to one ONNX model (opset 17, dynamic batch, normalisation and L2 norm included)')
    .requiredOption('--model <dir>', 'training directory written by discern train')
    .requiredOption('--out <file.onnx>', 'output file')
    .option('--backbone <file.onnx>', 'fuse this backbone graph in front of the trained head (default: the one used in training)')
    .action(async (options: { model: string; out: string; backbone?: string }) => {
      await selectBackend('cpu');
      const { encoder } = await loadCheckpoint(options.model);
      const backbonePath = options.backbone ?? readTrainingRecord(options.model)?.backbone?.path;
      const bytes = backbonePath
        ? fuseBackboneWithHead(new Uint8Array(readFileSync(backbonePath)), tfl.sequential({ layers: [encoder.featureExtractor, encoder.head] }))
        : exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head });
      writeFileSync(options.out, bytes);
      log.info({ out: options.out, bytes: bytes.length, backbone: backbonePath ?? null }, 'model exported');
      encoder.dispose();
    });
}
