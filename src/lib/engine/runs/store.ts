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

/** A run held by this recorder: no other tab writes it until `release` (which resolves once it is let go). */
export interface RunClaim {
  release(): Promise<void>;
}

/** Where runs are kept (IndexedDB in the browser, memory in tests). */
export interface RunStore {
  /** Writes the record and the given checkpoints at once (all or nothing). */
  saveRun(record: RunRecord, checkpoints: StoredCheckpoint[]): Promise<void>;
  /**
   * Takes ownership of run `runId` if no one holds it (never waits): null when another tab (or worker)
   * holds it. Tabs share the store, so a run written by two of them would end as whichever wrote last;
   * a recorder only writes a run it holds. In the browser: a Web Lock, released when the tab goes away.
   */
  claim(runId: string): Promise<RunClaim | null>;
}

/**
 * Whether a stored run is offered for resume: still marked running but held by no live tab (`held`: the
 * ids of runs some tab holds, `RunStore.claim`), with a checkpoint to continue from and epochs left.
 * A run another tab is training is not "interrupted", and resuming it there would fork it.
 */
export function isResumable(record: RunRecord, held: ReadonlySet<string>): boolean {
  return record.status === 'running' && !held.has(record.id) && record.completedEpochs > 0 && record.completedEpochs < record.config.epochs && record.checkpointBytes > 0;
}

/**
 * The name a record is saved under: the stored one when there is one. The worker only ever sets a run's
 * name when it starts it; after that the name is the user's (renamed in Runs while it trains), and the
 * next checkpoint must not undo it.
 */
export function savedName(record: Pick<RunRecord, 'name'>, stored: Pick<RunRecord, 'name'> | undefined): string {
  return stored ? stored.name : record.name;
}
