import type { BackendName, BackendSpeed } from '../engine/backend';
import type { Task } from '../engine/data/dataset';
import type { ModelSpec } from '../engine/models/spec';
import { TrainerClient } from '../worker/client';

/** What a finished comparison chose, as cached per device and model size. */
export interface MeasuredChoice {
  chosen: BackendName;
  speeds: BackendSpeed[];
  measuredAt: string;
}

/** The data's shape, all the comparison needs (it trains on random examples of that shape). */
export interface ComparedShape {
  inputShape: number[];
  numClasses: number;
  task: Task;
}

/**
 * The automatic engine choice's measurement, run in a second worker so the trainer is free at once. It can be
 * put off (a run or tuning needs the CPU) and resumed; a finished result waits in `result` until the trainer
 * is idle enough to move to it. Results are cached in localStorage per device and model size.
 */
export class BackendComparison {
  /** True while the backends are being timed (Train does not wait for it). */
  running = $state(false);
  /** A comparison was put off by a run or tuning; it runs again when they end. */
  postponed = $state(false);
  /** A finished comparison the trainer has not moved to yet. */
  result: MeasuredChoice | null = null;
  private job: { probe: TrainerClient } | null = null;

  static cacheKey(totalParams: number): string {
    // v2: the speeds' notes are engine messages (codes), no longer English sentences.
    return `descent:backend:v2:${navigator.userAgent}:${navigator.hardwareConcurrency}:${Math.round(Math.log2(Math.max(1, totalParams)))}`;
  }

  static readCache(key: string): MeasuredChoice | null {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  /**
   * Times the backends for `spec` on data of `shape` (GPUs emulated in software only with `includeSoftware`)
   * and caches the result under `key`; then `onResult` runs. A failure goes to `onError` unless cancelled.
   */
  start(key: string, spec: ModelSpec, shape: ComparedShape, includeSoftware: boolean, onResult: () => Promise<void>, onError: (err: unknown) => void): void {
    this.cancel();
    const probe = new TrainerClient('probe');
    const job = { probe };
    this.job = job;
    this.running = true;
    void (async () => {
      try {
        await probe.api.backend.init();
        const picked = await probe.api.backend.measureFor({ spec, inputShape: shape.inputShape, numClasses: shape.numClasses, task: shape.task, includeSoftware });
        if (this.job !== job) return;
        const result = { chosen: picked.chosen, speeds: picked.speeds, measuredAt: new Date().toISOString() };
        localStorage.setItem(key, JSON.stringify(result));
        this.result = result;
        this.finish(job);
        await onResult();
      } catch (err) {
        if (this.job === job) onError(err);
      } finally {
        probe.terminate();
        this.finish(job);
      }
    })();
  }

  /** Ends a comparison still running; it is marked as put off, to run again later. */
  cancel(): void {
    const job = this.job;
    if (!job) return;
    this.finish(job);
    job.probe.terminate();
    this.postponed = true;
  }

  /** Drops everything: a running comparison, one put off, and a result not yet applied. */
  forget(): void {
    this.cancel();
    this.postponed = false;
    this.result = null;
  }

  /** The finished result, once (null when there is none). */
  take(): MeasuredChoice | null {
    const result = this.result;
    this.result = null;
    return result;
  }

  private finish(job: { probe: TrainerClient }): void {
    if (this.job !== job) return;
    this.job = null;
    this.running = false;
  }
}
