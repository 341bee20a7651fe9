export { EVENT_LIMITS } from './limits';
export { CURRENT_SCHEMA_VERSION, EventIdSchema, ItemIdSchema, SchemaVersionSchema } from './ids';
export { AttributesSchema, LabelSchema, type Attributes } from './attributes';
export { numberArraySchema, type NumberArrayOptions } from './number-array';
export { Base64ImageSchema, FeatureVectorSchema, PixelsSchema, sniffImageFormat, type Pixels } from './image-input';
export {
  ItemDeleteRecordSchema,
  ItemRecordSchema,
  ItemSchema,
  ItemUpsertRecordSchema,
  type Item,
  type ItemDeleteRecord,
  type ItemInput,
  type ItemRecord,
  type ItemUpsertRecord,
} from './item';
export {
  ANONYMOUS_SOURCE,
  FeedbackRecordSchema,
  FeedbackSourceSchema,
  FeedbackSchema,
  LabelFeedbackSchema,
  PairFeedbackSchema,
  TripletFeedbackSchema,
  feedbackKey,
  type Feedback,
  type FeedbackInput,
  type FeedbackRecord,
  type LabelFeedback,
  type PairFeedback,
  type TripletFeedback,
} from './feedback';
