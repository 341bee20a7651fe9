export { createFsModelStore, type FsModelStoreOptions } from './fs-model-store';
export { nextModelVersionId } from './model-version-id';
