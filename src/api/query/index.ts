export { createQueryApp, noLiveModel, type QueryAppOptions, type QueryPorts } from './query-app';
export { errorResponse, throwValidationError } from './error-response';
export { embedQuery, type QueryContent, type QueryEmbedder } from './embed-query';
export { searchVector, assertFloat32Values } from './query-vector';
export { readerQueryCatalog } from './reader-query-catalog';
