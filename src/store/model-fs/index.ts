export { createFsModelStore, type FsModelStoreOptions } from './fs-model-store';
export { MODEL_VERSION_ID_PATTERN, nextModelVersionId } from './model-version-id';
