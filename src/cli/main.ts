import { Command } from 'commander';
import { registerConfigCommand } from './commands/config';
import { registerEvalCommand } from './commands/eval';
import { registerExportCommand } from './commands/export';
import { registerServiceCommands } from './commands/service';
import { registerTrainCommand } from './commands/train';

/**
 * `discern`: train and evaluate encoders, export them to ONNX, and run the service.
 *
 * @example
 * npx discern train --data fashion-mnist --classes 0-4 --out runs/fm
 * npx discern eval --model runs/fm --data fashion-mnist --classes 5-9 --json
 */
const program = new Command()
  .name('discern')
  .description('Deep metric learning from streaming feedback, with visual similarity search')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerTrainCommand(program);
registerEvalCommand(program);
registerExportCommand(program);
registerServiceCommands(program);
registerConfigCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`discern: ${(error as Error).message}`);
  process.exitCode = process.exitCode || 1;
}
