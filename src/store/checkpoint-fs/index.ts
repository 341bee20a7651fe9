export { createFsCheckpointStore, openFsCheckpointCopy, fsCheckpointFolders } from './fs-checkpoint-store';
