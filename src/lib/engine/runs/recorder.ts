import { engineMessage } from '../errors';
import type * as tf from '../tf';
import { saveLayersModel } from '../export/layers-format';
import type { LayersModelFiles } from '../export/layers-format';
import type { TrainEvent } from '../train/events';
import type { EpochContext } from '../train/hooks';
import type { MonitorEvent } from '../train/monitor-events';
import { EngineError } from '../errors';
import type { RunRecord, StoredRunStatus } from './record';
import { StorageFullError, type CheckpointKind, type RunClaim, type RunStore, type StoredCheckpoint } from './store';

export { StorageFullError, type CheckpointKind, type RunClaim, type RunStore, type StoredCheckpoint };

class Column {
  private buf: Float32Array;
  length: number;
  constructor(initial: Float32Array) {
    this.buf = new Float32Array(Math.max(1024, initial.length * 2));
    this.buf.set(initial);
    this.length = initial.length;
  }
  set(index: number, value: number): void {
    while (index >= this.buf.length) {
      const bigger = new Float32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[index] = value;
    this.length = Math.max(this.length, index + 1);
  }
  copy(count: number): Float32Array {
    return this.buf.slice(0, Math.min(count, this.length));
  }
}

/**
 * Keeps a run's record up to date from its events and writes a checkpoint at every epoch end, so a crash
 * loses at most the epoch in progress. A full quota does not end the run: the checkpoint stays pending
 * in memory, a 'checkpoint' event with `saved: false` tells the page, and the next write retries it.
 *
 * Every write happens while the recorder holds the run (`RunStore.claim`): from `begin` until the run's
 * final state is stored. Later writes (test metrics, a retry) take it again for the write, and are
 * skipped if another tab holds the run by then.
 */
export class RunRecorder {
  private readonly loss: Column;
  private readonly acc: Column;
  private pending = new Map<CheckpointKind, StoredCheckpoint>();
  private lastFiles: LayersModelFiles | null = null;
  private claim: RunClaim | null = null;
  private ended = false;

  constructor(
    readonly record: RunRecord,
    private readonly store: RunStore,
    private readonly emit: (e: MonitorEvent) => void,
  ) {
    this.loss = new Column(record.stepLoss);
    this.acc = new Column(record.stepAccuracy);
  }

  /** Follows the training events (the listener calls it for every event). */
  observe(event: TrainEvent): void {
    const r = this.record;
    switch (event.kind) {
      case 'start':
        r.stepsPerEpoch = event.stepsPerEpoch;
        r.batchSize = event.batchSize;
        break;
      case 'steps':
        for (let i = 0; i < event.loss.length; i++) {
          this.loss.set(event.firstStep + i, event.loss[i]);
          this.acc.set(event.firstStep + i, event.accuracy[i]);
        }
        break;
      case 'epoch':
        r.epochs = [...r.epochs.filter((e) => e.epoch < event.epoch), { ...event }];
        break;
      case 'error':
        r.error = event.message;
        break;
      case 'halt':
        r.halt = { reason: event.reason, message: event.message, epoch: event.epoch };
        break;
    }
  }

  /**
   * Takes the run, then writes the record before the first epoch, so the run is listed (and resumable)
   * from the start. Throws `run.heldElsewhere`, having written nothing, when another tab holds the run
   * (it resumed it first).
   */
  async begin(): Promise<void> {
    this.claim = await this.store.claim(this.record.id);
    if (!this.claim) throw new EngineError('run.heldElsewhere', { name: this.record.name });
    this.record.status = 'running';
    await this.write();
  }

  /** `TrainerHooks.onEpochEnd` part: the epoch's weights become the 'last' (and maybe 'best') checkpoint. */
  async onEpochEnd(ctx: EpochContext): Promise<void> {
    const r = this.record;
    const files = await saveLayersModel(ctx.model);
    this.lastFiles = files;
    r.completedEpochs = ctx.epoch;
    r.steps = ctx.step;
    const monitored = ctx.valLoss ?? ctx.trainLoss;
    this.pending.set('last', { runId: r.id, kind: 'last', epoch: ctx.epoch, files });
    if (Number.isFinite(monitored) && (r.bestLoss === null || monitored < r.bestLoss)) {
      r.bestLoss = monitored;
      r.bestEpoch = ctx.epoch;
      this.pending.set('best', { runId: r.id, kind: 'best', epoch: ctx.epoch, files });
    }
    await this.write(ctx.epoch);
  }

  /**
   * Final write: status, time, steps, and the weights the model ends with (fresh when they changed after
   * the last epoch end: stopped mid-epoch, or best weights restored).
   */
  async finish(end: { status: StoredRunStatus; model: tf.LayersModel | null; steps: number; seconds: number; weightsChanged: boolean }): Promise<void> {
    const r = this.record;
    this.ended = true;
    r.status = end.status;
    r.seconds += end.seconds;
    const changed = end.weightsChanged || end.steps !== r.steps;
    r.steps = Math.max(r.steps, end.steps);
    if (end.model && r.steps > 0 && (changed || this.lastFiles === null)) {
      this.pending.set('last', { runId: r.id, kind: 'last', epoch: r.completedEpochs, files: await saveLayersModel(end.model) });
    }
    await this.write(r.completedEpochs);
  }

  /** Adds the test-set metrics (measured after the run) and writes the record. */
  async setTest(test: RunRecord['test']): Promise<boolean> {
    this.record.test = test;
    return this.write(this.record.completedEpochs);
  }

  /** Tries the pending writes again (after the user freed space). Returns whether everything is stored now. */
  async retry(): Promise<boolean> {
    return this.write(this.record.completedEpochs);
  }

  get unsaved(): boolean {
    return this.pending.size > 0;
  }

  /** For a run that ends without `finish` (it failed before its loop ran): lets go of the run. */
  async abandon(): Promise<void> {
    if (!this.ended) await this.letGo();
  }

  private async letGo(): Promise<void> {
    const claim = this.claim;
    this.claim = null;
    await claim?.release();
  }

  private async write(epoch = 0): Promise<boolean> {
    const r = this.record;
    if (!this.claim) {
      this.claim = await this.store.claim(r.id);
      // Another tab resumed the run after it ended here: the record is its to write now.
      if (!this.claim) return false;
    }
    try {
      return await this.save(epoch);
    } finally {
      // Held until the final state is stored; an end that is not saved yet keeps the run (the retry is ours).
      if (this.ended && !this.unsaved) await this.letGo();
    }
  }

  private async save(epoch: number): Promise<boolean> {
    const r = this.record;
    r.updatedAt = new Date().toISOString();
    r.stepLoss = this.loss.copy(r.steps);
    r.stepAccuracy = this.acc.copy(r.steps);
    const checkpoints = [...this.pending.values()];
    const bytes = (c?: StoredCheckpoint) => (c ? c.files.weights.byteLength + c.files.modelJson.length : 0);
    const latest = this.pending.get('last');
    if (latest) r.checkpointBytes = bytes(latest) * (r.bestEpoch !== null && r.bestEpoch !== latest.epoch ? 2 : 1);
    try {
      await this.store.saveRun(r, checkpoints);
      this.pending.clear();
      this.emit({ kind: 'checkpoint', runId: r.id, epoch, saved: true, bytes: r.checkpointBytes });
      return true;
    } catch (err) {
      const full = err instanceof StorageFullError;
      const message = full ? engineMessage('train.storageFull', { epoch }) : engineMessage('train.saveFailed', { detail: (err as Error).message });
      this.emit({ kind: 'checkpoint', runId: r.id, epoch, saved: false, bytes: 0, message });
      return false;
    }
  }
}
