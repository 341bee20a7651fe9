/**
 * The `CheckpointStore` port: durable, versioned checkpoints of a model in training (versions
 * `v000001`, `v000002`, …), each a set of named files with a manifest written last. A version
 * becomes visible, complete, only when committed; a crash at any point leaves the latest
 * version readable. One writer per store is assumed.
 */
export interface CheckpointStore {
  /** Where the store keeps its versions, for messages (e.g. a folder). */
  readonly location: string;
  /** Starts the next version; nothing of it is visible until `commit`. */
  begin(): Promise<CheckpointDraft>;
  /** Complete versions, oldest first. */
  versions(): Promise<string[]>;
  /** The newest complete version (the one last committed), or undefined when there is none. */
  latest(): Promise<string | undefined>;
  /** The manifest of a complete version; throws `IncompleteCheckpointError` for any other. */
  readManifest(version: string): Promise<string>;
  /** One file of a complete version, as written. */
  readFile(version: string, name: string): Promise<Uint8Array>;
  /** A folder holding the files of a complete version, for stores that keep versions as folders (model stores copy it). */
  folderOf(version: string): string;
}

/** A version being written. */
export interface CheckpointDraft {
  readonly version: string;
  /** Writes one file; `name` may hold `/` (`head/model.json`). */
  writeFile(name: string, data: Uint8Array | string): Promise<void>;
  /** Writes the manifest last, makes the version durable and the latest, then keeps only the newest `keep`. */
  commit(manifest: string, options: { keep: number }): Promise<void>;
}

/** Thrown when a version is missing, unfinished or malformed. */
export class IncompleteCheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IncompleteCheckpointError';
  }
}

/**
 * Opens checkpoint stores by folder: a trainer's own, and the copy of one version that a model
 * store keeps with a model version.
 */
export interface CheckpointFolders {
  /** The versions kept under `folder` (in `folder/checkpoints/`). */
  open(folder: string): CheckpointStore;
  /** One complete version copied to `folder`, read as the store's only version `v000001`. */
  openCopy(folder: string): CheckpointStore;
}
