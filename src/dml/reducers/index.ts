export type { Reducer } from './reducer';
export { MeanReducer } from './mean-reducer';
export { AvgNonZeroReducer } from './avg-non-zero-reducer';
export { SumReducer } from './sum-reducer';
