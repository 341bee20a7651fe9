export { PQSampler, type PQSamplerOptions, type PQBatch } from './pq-sampler';
