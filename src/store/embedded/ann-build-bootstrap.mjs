// Entry of an index-building thread: from the TypeScript sources the worker registers the same
// loader the `discern` executable does before it loads the builder.
import { register } from 'tsx/esm/api';

register();
await import('./ann-build-worker.ts');
