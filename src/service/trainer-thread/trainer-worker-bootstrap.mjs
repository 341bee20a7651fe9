// Entry of the trainer's worker thread: the service runs from TypeScript sources, so the worker
// registers the same loader the `discern` executable does before it loads the trainer.
import { register } from 'tsx/esm/api';

register();
await import('./trainer-worker.ts');
