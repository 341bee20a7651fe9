export { createHttpModelStore, type HttpModelStoreOptions } from './http-model-store';
export { createModelStoreApp, type ModelStoreAppOptions } from './model-store-app';
export { serveModelStore, type ModelStoreServer } from './serve-model-store';
