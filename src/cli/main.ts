import { Command } from 'commander';
import { COMMANDS } from './command-index';
import { packageVersion } from './package-version';

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
  .version(packageVersion(), '-v, --version', 'print the version')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

try {
  const words = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  // `discern help train` shows train's full help, so it loads train too.
  const requested = words[0] === 'help' ? words[1] : words[0];
  const entry = requested !== undefined ? COMMANDS[requested] : undefined;
  if (entry) {
    // Only the command that runs is loaded, with its dependencies (TF.js, onnxruntime, …).
    (await entry.load())(program);
  } else {
    for (const [name, { summary }] of Object.entries(COMMANDS)) program.command(name).description(summary);
  }
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`discern: ${(error as Error).message}`);
  process.exitCode = process.exitCode || 1;
}
