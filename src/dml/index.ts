export * from './distances';
export * from './reducers';
export * from './losses';
export * from './miners';
export * from './samplers';
export * from './indices';
export { createRandom, pickCumulative, type Random } from './random';
export {
  createLoss,
  createMiner,
  lossNames,
  minerNames,
  lossOptionSchemas,
  minerOptionSchemas,
  type LossName,
  type MinerName,
  type LossOptions,
  type MinerOptions,
} from './registry';
