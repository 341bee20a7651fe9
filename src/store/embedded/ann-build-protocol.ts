import type { VectorDistance } from '../../core/vector-store';
import type { AnnIndexConfig } from './ann-index';

/** What an index-building thread is started with. */
export interface AnnBuildWorkerData {
  dimension: number;
  distance: VectorDistance;
  config: AnnIndexConfig;
  /** Stored points the recall audit queries with once the graph is complete. */
  auditSamples: number;
  /** Niceness of the thread and of the threads usearch inserts with (0: as the API). */
  nice: number;
}

/** From the store to the thread, in write order. */
export type AnnBuildCommand =
  /** Points written (vectors already unit length for cosine), `ids.length × dimension` floats. */
  | { type: 'put'; ids: string[]; vectors: Float32Array }
  | { type: 'remove'; ids: string[] }
  /** Index what is left, audit recall, write the graph to `path` and answer `finished`. */
  | { type: 'finish'; path: string };

/** From the thread to the store. */
export type AnnBuildReport =
  | { type: 'progress'; indexed: number; pending: number }
  /** `keys[key]` is the id a graph key stands for (`null`: removed), as `AnnIndex.load` takes them. */
  | { type: 'finished'; keys: (string | null)[]; recall: number; indexed: number }
  | { type: 'failed'; message: string };
