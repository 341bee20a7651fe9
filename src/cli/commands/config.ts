import type { Command } from 'commander';
import { formatSettingsTable, loadConfig } from '../../config';

/** `discern config`: lists every environment variable with its default, and checks the current ones. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('List the environment variables discern reads, their defaults, and validate the current environment')
    .action(() => {
      console.log(formatSettingsTable());
      loadConfig();
      console.log('\ncurrent environment: valid');
    });
}
