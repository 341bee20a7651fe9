import type { Command } from 'commander';

/** Registers one command's full definition (options, action) on the program. */
type Registration = (program: Command) => void;

interface CommandEntry {
  summary: string;
  /** Imports the command's module only when that command runs: `discern --help` stays instant. */
  load(): Promise<Registration>;
}

const service = async (): Promise<Registration> => (await import('./commands/service')).registerServiceCommands;

/**
 * Every `discern` command: its one-line summary and how to load its definition.
 *
 * @example
 * (await COMMANDS.train.load())(program);
 */
export const COMMANDS: Record<string, CommandEntry> = {
  train: {
    summary: 'Train an encoder on labelled images; writes DIR/checkpoints, DIR/model.onnx and DIR/training.json',
    load: async () => (await import('./commands/train')).registerTrainCommand,
  },
  eval: {
    summary: 'Evaluate retrieval quality on classes disjoint from training (Recall@K, MAP@R, R-precision, NMI, kNN accuracy)',
    load: async () => (await import('./commands/eval')).registerEvalCommand,
  },
  export: {
    summary: 'Export a trained encoder to one ONNX model (opset 17, dynamic batch, normalisation and L2 norm included)',
    load: async () => (await import('./commands/export')).registerExportCommand,
  },
  start: { summary: 'Run API, queue, trainer, model store and vector store in one process on local durable storage', load: service },
  api: { summary: 'Run the HTTP API alone (against Kafka and the configured vector store)', load: service },
  trainer: { summary: 'Run the online trainer alone (a consumer of the configured queue)', load: service },
  reembed: {
    summary: "Run a re-embed worker: embeds shares of each new model version's catalog into its collection (with REEMBED_WORKERS set on the trainer)",
    load: service,
  },
  config: {
    summary: 'List the environment variables discern reads, their values in effect and defaults, and validate the current environment',
    load: async () => (await import('./commands/config')).registerConfigCommand,
  },
};
