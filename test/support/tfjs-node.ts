import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Whether `@tensorflow/tfjs-node` is installed with its native addon (`npm run setup:tensorflow`),
 * decided synchronously so suites register as run or as skipped with the reason. Under CI (`CI`
 * set) on Linux x86-64, where the installer works, a missing one is an error, not a skip.
 *
 * @example
 * const tfjsNode = tfjsNodeAvailability();
 * describe.skipIf(!tfjsNode.available)(`tensorflow backend${tfjsNode.available ? '' : ` (skipped: ${tfjsNode.reason})`}`, () => { … });
 */
export function tfjsNodeAvailability(): { available: true } | { available: false; reason: string } {
  const reason = missing();
  if (reason === undefined) return { available: true };
  if (process.env.CI && process.platform === 'linux' && process.arch === 'x64') {
    throw new Error(`CI needs @tensorflow/tfjs-node for the tensorflow backend tests, but ${reason}`);
  }
  return { available: false, reason };
}

function missing(): string | undefined {
  let packageJson: string;
  try {
    packageJson = require.resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    return '@tensorflow/tfjs-node is not installed: run npm run setup:tensorflow';
  }
  const addon = join(dirname(packageJson), 'lib', 'napi-v8', 'tfjs_binding.node');
  return existsSync(addon) ? undefined : `@tensorflow/tfjs-node has no native addon at ${addon}: run npm run setup:tensorflow`;
}
