// Entry of a gradient replica's worker thread: from the TypeScript sources the worker registers
// the same loader the `discern` executable does before it loads the replica.
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
