import { availableParallelism } from 'node:os';
import { VectorStoreError } from '../../core/vector-store';
import type { AnnIndexConfig } from './ann-index';

/** The approximate-index knobs of `openEmbeddedVectorStore`. */
export interface AnnOptions {
  /**
   * Collections with at least this many points get an approximate (HNSW) index for unfiltered
   * searches (default 20 000; `Infinity` turns it off). Below it the exact scan is cheap enough.
   */
  annThreshold?: number;
  /** HNSW graph degree `M` (default 16). */
  annConnectivity?: number;
  /**
   * HNSW candidate list while inserting, `efConstruction` (default 48: about 75 µs of CPU per
   * point at 64 dimensions; 64 costs half as much again for +0.001 recall).
   */
  annExpansionAdd?: number;
  /**
   * HNSW candidate list while searching, `ef` (default 128: recall@10 ≈ 0.99 against the exact
   * scan on 70 000 projected Fashion-MNIST images at 64 dimensions, at a quarter of its CPU).
   */
  annExpansionSearch?: number;
  /** Threads that insert into the index (default: the machine's available parallelism). */
  annBuildThreads?: number;
  /**
   * Scheduling niceness (0–19) of the thread that builds a collection's whole index, and of the
   * threads it inserts with (default 10): searches on the API's thread come first.
   */
  annBuildNice?: number;
  /**
   * Indexing runs in the background in slices of about this many milliseconds, one per event
   * loop turn, so queries wait at most one slice (default 4).
   */
  annBuildSliceMs?: number;
  /**
   * Share of the event loop's time (0–1) that keeping up the index of a collection no alias names
   * yet may take, so searches of the live collection keep their latency (default 0.3). Whole
   * builds, such as that of the collection a publication fills, run in a thread of their own.
   */
  annFillingShare?: number;
  /**
   * Share of the event loop's time that finishing such an index may take when an alias is about
   * to move onto it (default 0.6): the old version still answers every search meanwhile, so the
   * alias waits rather than the searches.
   */
  annFinishingShare?: number;
  /**
   * After each build the store asks the index for 32 stored points' neighbours and compares with
   * the exact scan; below this recall@10 the collection keeps to exact search (default 0.95).
   */
  annMinRecall?: number;
  /**
   * A caught-up index is saved next to its collection at most this often, and on close, so a
   * restart loads it instead of rebuilding (default 30; 0 saves as soon as it catches up).
   */
  annSaveEverySeconds?: number;
}

export interface AnnSettings extends AnnIndexConfig {
  threshold: number;
  sliceMs: number;
  minRecall: number;
  saveEveryMs: number;
  fillingShare: number;
  finishingShare: number;
  buildNice: number;
}

function positiveInteger(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new VectorStoreError(`${field}: must be a positive integer (got ${value})`, 'invalid_argument', field);
  return value;
}

/**
 * Fills in defaults and rejects nonsense, naming the offending option.
 *
 * @example
 * resolveAnnSettings({ annThreshold: 50_000 }).expansionSearch; // 128
 */
export function resolveAnnSettings(options: AnnOptions): AnnSettings {
  const threshold = options.annThreshold ?? 20_000;
  if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold < 0 || (Number.isFinite(threshold) && !Number.isInteger(threshold))) {
    throw new VectorStoreError(`annThreshold: must be a non-negative integer or Infinity (got ${threshold})`, 'invalid_argument', 'annThreshold');
  }
  const sliceMs = options.annBuildSliceMs ?? 4;
  if (typeof sliceMs !== 'number' || !Number.isFinite(sliceMs) || sliceMs <= 0) {
    throw new VectorStoreError(`annBuildSliceMs: must be a positive number (got ${sliceMs})`, 'invalid_argument', 'annBuildSliceMs');
  }
  const minRecall = options.annMinRecall ?? 0.95;
  if (typeof minRecall !== 'number' || !(minRecall >= 0 && minRecall <= 1)) {
    throw new VectorStoreError(`annMinRecall: must be a number from 0 to 1 (got ${minRecall})`, 'invalid_argument', 'annMinRecall');
  }
  const saveEverySeconds = options.annSaveEverySeconds ?? 30;
  if (typeof saveEverySeconds !== 'number' || !Number.isFinite(saveEverySeconds) || saveEverySeconds < 0) {
    throw new VectorStoreError(`annSaveEverySeconds: must be a non-negative number (got ${saveEverySeconds})`, 'invalid_argument', 'annSaveEverySeconds');
  }
  const fillingShare = options.annFillingShare ?? 0.3;
  if (typeof fillingShare !== 'number' || !(fillingShare > 0 && fillingShare <= 1)) {
    throw new VectorStoreError(`annFillingShare: must be a number above 0 and at most 1 (got ${fillingShare})`, 'invalid_argument', 'annFillingShare');
  }
  const finishingShare = options.annFinishingShare ?? 0.6;
  if (typeof finishingShare !== 'number' || !(finishingShare > 0 && finishingShare <= 1)) {
    throw new VectorStoreError(`annFinishingShare: must be a number above 0 and at most 1 (got ${finishingShare})`, 'invalid_argument', 'annFinishingShare');
  }
  const buildNice = options.annBuildNice ?? 10;
  if (!Number.isInteger(buildNice) || buildNice < 0 || buildNice > 19) {
    throw new VectorStoreError(`annBuildNice: must be an integer from 0 to 19 (got ${buildNice})`, 'invalid_argument', 'annBuildNice');
  }
  return {
    threshold,
    buildNice,
    fillingShare,
    finishingShare,
    saveEveryMs: saveEverySeconds * 1000,
    sliceMs,
    minRecall,
    connectivity: positiveInteger(options.annConnectivity, 16, 'annConnectivity'),
    expansionAdd: positiveInteger(options.annExpansionAdd, 48, 'annExpansionAdd'),
    expansionSearch: positiveInteger(options.annExpansionSearch, 128, 'annExpansionSearch'),
    threads: positiveInteger(options.annBuildThreads, availableParallelism(), 'annBuildThreads'),
  };
}
