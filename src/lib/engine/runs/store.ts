/** Where runs are stored: the interface and its error, without TF.js (the page imports these). */
import type { LayersModelFiles } from '../export/layers-format';
import type { RunRecord } from './record';

export type CheckpointKind = 'last' | 'best';

/** Weights of a run at the end of an epoch, as stored. */
export interface StoredCheckpoint {
  runId: string;
  kind: CheckpointKind;
  epoch: number;
  files: LayersModelFiles;
}

/** Thrown by a store when the browser's storage quota is exhausted. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** Where runs are kept (IndexedDB in the browser, memory in tests). */
export interface RunStore {
  /** Writes the record and the given checkpoints at once (all or nothing). */
  saveRun(record: RunRecord, checkpoints: StoredCheckpoint[]): Promise<void>;
}
