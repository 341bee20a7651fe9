// The grammar lives in the core; the model store is where version ids are allotted.
export { nextModelVersionId } from '../../core/model-version-id';
