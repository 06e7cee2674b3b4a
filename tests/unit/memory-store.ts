import { StorageFullError, type RunStore, type StoredCheckpoint } from '../../src/lib/engine/runs/recorder';
import type { RunRecord } from '../../src/lib/engine/runs/record';

/** A RunStore in memory with a byte quota (the browser uses IndexedDB): writes are all or nothing. */
export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunRecord>();
  readonly checkpoints = new Map<string, StoredCheckpoint>();
  /** Every record as written, in order (copies). */
  readonly history: RunRecord[] = [];

  constructor(public quotaBytes = Infinity) {}

  private usedBytes(extra: StoredCheckpoint[]): number {
    const all = new Map(this.checkpoints);
    for (const c of extra) all.set(`${c.runId}/${c.kind}`, c);
    return [...all.values()].reduce((s, c) => s + c.files.weights.byteLength, 0);
  }

  async saveRun(record: RunRecord, checkpoints: StoredCheckpoint[]): Promise<void> {
    if (this.usedBytes(checkpoints) > this.quotaBytes) throw new StorageFullError('quota exceeded');
    const copy = structuredClone(record);
    this.runs.set(record.id, copy);
    this.history.push(copy);
    for (const c of checkpoints) this.checkpoints.set(`${c.runId}/${c.kind}`, c);
  }
}
