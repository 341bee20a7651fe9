import { COMMANDS } from '../command-index';
import type { Command } from 'commander';
import { formatEffectiveSettings, loadConfig } from '../../config';

/** `discern config`: lists every environment variable with its default, and checks the current ones. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description(COMMANDS.config.summary)
    .action(() => {
      console.log(formatEffectiveSettings(process.env));
      loadConfig();
      console.log('\ncurrent environment: valid');
    });
}
