import { ErrorSchema } from '../request-schemas';

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** Error responses shared by the routes' OpenAPI descriptions. */
export const errorResponses = {
  badRequest: { 400: error('Malformed JSON or invalid fields; `issues` names each field (e.g. `items.3.pixels.data`)') },
  unauthorized: {
    401: error('API key missing (only when DISCERN_API_KEY is set)'),
    403: error('API key wrong, or a read key on a write route'),
  },
  notFound: { 404: error('Unknown item id') },
  tooLarge: { 413: error('Body over MAX_BODY_BYTES, more than MAX_BATCH_ITEMS in the batch, or a query image over MAX_QUERY_PIXELS') },
  mediaType: { 415: error('Content-Type is not application/json') },
  rateLimited: { 429: error('Over COMPUTE_RATE_LIMIT requests per second for this key or address; retry after `Retry-After` seconds') },
  unavailable: { 503: error('Queue, vector store or model unavailable; retry after `Retry-After` seconds') },
};
