import { StorageFullError, type RunClaim, type RunStore, type StoredCheckpoint } from '../../src/lib/engine/runs/recorder';
import type { RunRecord } from '../../src/lib/engine/runs/record';
import { savedName } from '../../src/lib/engine/runs/store';

/** Run ownership shared by the "tabs" of a test, as Web Locks are by a browser's tabs: held ids, taken without waiting. */
export class MemoryLocks {
  readonly held = new Set<string>();
  /** Every claim asked for, in order, with whether it was granted. */
  readonly log: { runId: string; granted: boolean }[] = [];

  async claim(runId: string): Promise<RunClaim | null> {
    const granted = !this.held.has(runId);
    this.log.push({ runId, granted });
    if (!granted) return null;
    this.held.add(runId);
    let released = false;
    return {
      release: async () => {
        if (!released) this.held.delete(runId);
        released = true;
      },
    };
  }
}

/**
 * A RunStore in memory with a byte quota (the browser uses IndexedDB): writes are all or nothing, a
 * name changed with `rename` is kept as IdbRunStore keeps it, and a write of a run nobody holds fails
 * (every write of a recorder must happen under its claim).
 */
export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunRecord>();
  readonly checkpoints = new Map<string, StoredCheckpoint>();
  /** Every record as written, in order (copies). */
  readonly history: RunRecord[] = [];

  constructor(
    public quotaBytes = Infinity,
    readonly locks = new MemoryLocks(),
  ) {}

  private usedBytes(extra: StoredCheckpoint[]): number {
    const all = new Map(this.checkpoints);
    for (const c of extra) all.set(`${c.runId}/${c.kind}`, c);
    return [...all.values()].reduce((s, c) => s + c.files.weights.byteLength, 0);
  }

  async saveRun(record: RunRecord, checkpoints: StoredCheckpoint[]): Promise<void> {
    if (!this.locks.held.has(record.id)) throw new Error(`run ${record.id} written without holding it`);
    if (this.usedBytes(checkpoints) > this.quotaBytes) throw new StorageFullError('quota exceeded');
    record.name = savedName(record, this.runs.get(record.id));
    const copy = structuredClone(record);
    this.runs.set(record.id, copy);
    this.history.push(copy);
    for (const c of checkpoints) this.checkpoints.set(`${c.runId}/${c.kind}`, c);
  }

  claim(runId: string): Promise<RunClaim | null> {
    return this.locks.claim(runId);
  }

  /** What the Runs view does (`updateRun`): changes the stored name only. */
  rename(runId: string, name: string): void {
    const stored = this.runs.get(runId);
    if (stored) this.runs.set(runId, { ...stored, name });
  }
}
