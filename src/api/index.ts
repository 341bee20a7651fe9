export { createApp, type AppDeps } from './app';
export { ApiError, type ApiErrorBody, type ApiIssue } from './api-error';
export type { DiscernApp } from './app-context';
export { UnknownModelVersionError, inputSpecFromInfo, type ModelCatalog, type ModelDescription, type ModelInputSpec } from '../core/model-catalog';
export { resolveLiveCollection, type LiveCollection } from './live-collection';
export { followDeadLetters, type DeadLetterFollower } from './dead-letters/follow-dead-letters';
export { DeadLetterView } from './dead-letters/dead-letter-view';
