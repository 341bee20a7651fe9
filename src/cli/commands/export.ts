import { COMMANDS } from '../command-index';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { fuseBackboneWithHead, parsePreprocessSpec } from '../../backbone';
import { selectBackend } from '../../backend';
import { loadCheckpoint } from '../../encoder';
import { createFsCheckpointStore } from '../../store/checkpoint-fs';
import { createLogger } from '../../log/logger';
import { exportToOnnx } from '../../onnx';
import { readTrainingRecord, withTrainingProvenance } from '../model-dir';
import { withPreprocessMetadata } from '../model-preprocess';
import { defaultPreprocess } from './train';

const log = createLogger('export');

/** `discern export`: one ONNX model from a training directory (fused with a backbone when given). */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(COMMANDS.export.summary)
    .requiredOption('--model <dir>', 'training directory written by discern train')
    .requiredOption('--out <file.onnx>', 'output file')
    .option('--backbone <file.onnx>', 'fuse this backbone graph in front of the trained head (default: the one used in training)')
    .action(async (options: { model: string; out: string; backbone?: string }) => {
      await selectBackend('cpu');
      const { encoder } = await loadCheckpoint(createFsCheckpointStore(options.model));
      const record = readTrainingRecord(options.model);
      const backbonePath = options.backbone ?? record?.backbone?.path;
      let bytes: Uint8Array;
      if (backbonePath) {
        const backbone = new Uint8Array(readFileSync(backbonePath));
        const fused = fuseBackboneWithHead(backbone, tfl.sequential({ layers: [encoder.featureExtractor, encoder.head] }));
        // The fused model takes the backbone's normalised tensor; its metadata says how to make it from pixels.
        const preprocess = options.backbone === undefined && record?.backbone ? record.backbone.preprocess : parsePreprocessSpec(defaultPreprocess(backbone, record?.input.channels ?? 3));
        bytes = withPreprocessMetadata(fused, preprocess);
      } else {
        bytes = exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head });
      }
      if (record) bytes = withTrainingProvenance(bytes, record);
      writeFileSync(options.out, bytes);
      log.info({ out: options.out, bytes: bytes.length, backbone: backbonePath ?? null }, 'model exported');
      encoder.dispose();
    });
}
