import { COMMANDS } from '../command-index';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { runApiProcess, runEmbeddedService, runTrainerProcess } from '../../service/run';
import { runReembedWorkerProcess } from '../../service/run-reembed-worker';

/** `discern start`, `discern api`, `discern trainer`, `discern reembed`: the service, whole or in parts. */
export function registerServiceCommands(program: Command): void {
  program
    .command('start')
    .description(COMMANDS.start.summary)
    .option('--seed <dataset>', "load a catalog at start so search works at once ('fashion-mnist')")
    .option('--seed-limit <n>', 'seed at most this many items per split', (v) => Number(v))
    .action(async (options: { seed?: string; seedLimit?: number }) => {
      const seed = options.seed ?? process.env.DISCERN_SEED;
      if (seed !== undefined && seed !== 'fashion-mnist') throw new Error(`--seed: unknown dataset '${seed}' (known: fashion-mnist)`);
      await runEmbeddedService(loadConfig(), { seed, seedLimit: options.seedLimit });
    });

  program
    .command('api')
    .description(COMMANDS.api.summary)
    .action(async () => {
      await runApiProcess(loadConfig());
    });

  program
    .command('trainer')
    .description(COMMANDS.trainer.summary)
    .action(async () => {
      await runTrainerProcess(loadConfig());
    });

  program
    .command('reembed')
    .description(COMMANDS.reembed.summary)
    .action(async () => {
      await runReembedWorkerProcess(loadConfig());
    });
}
