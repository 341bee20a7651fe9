export { createFsModelStore, type FsModelStoreOptions } from './fs-model-store';
export { nextModelVersionId } from '../../core/model-version-id';
