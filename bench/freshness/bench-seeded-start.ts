/**
 * Times `npm start -- --seed fashion-mnist` from outside (first search answer, every item live,
 * live index ready) and a restart over the same data (first search answer, index loaded or
 * rebuilt), without the rest of the freshness bench. Prints one JSON line.
 * BENCH_LIMIT_PER_SPLIT seeds a smaller catalog.
 *
 * @example
 * npx tsx bench/freshness/bench-seeded-start.ts
 */
import { cpus, loadavg } from 'node:os';
import { benchLog } from '../common/bench-log';
import { round } from '../common/results-table';
import { measureSeededStart } from './seeded-start';

const limitPerSplit = Number(process.env.BENCH_LIMIT_PER_SPLIT ?? Infinity);
const loadBefore = loadavg().map((v) => round(v));
const result = await measureSeededStart({ limitPerSplit, log: benchLog('bench-seeded-start') });
console.log(JSON.stringify({ ...result, cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map((v) => round(v)) }));
