import * as tf from '../tf';
import type { TrainEventListener } from './events';
import type { StepScalars } from './step';
import { Ema } from './ema';

const PER_STEP = 3;

/** Collects per-step scalars and reads them back in one go, asynchronously, as one coalesced event. */
export class StepReporter {
  private pending: tf.Scalar[] = [];
  private pendingLr: number[] = [];
  private firstPendingStep: number;
  private lossSum = 0;
  private accSum = 0;
  private counted = 0;
  private samplesSinceFlush = 0;

  lastFlush = performance.now();

  constructor(
    private readonly onEvent: TrainEventListener,
    private readonly epoch: number,
    firstStep: number,
    private readonly batch: number,
    private readonly watch: ExplosionWatch,
  ) {
    this.firstPendingStep = firstStep;
  }

  add(scalars: StepScalars, learningRate: number): void {
    this.pending.push(...scalars);
    this.pendingLr.push(learningRate);
    this.samplesSinceFlush += this.batch;
  }

  /** Reads pending values, sends one 'steps' event. `finite` is false once a loss is NaN/Inf. */
  async flush(stepInEpoch: number): Promise<{ meanLoss: number; meanAccuracy: number; finite: boolean; exploded: boolean }> {
    const n = this.pending.length / PER_STEP;
    let finite = true;
    if (n > 0) {
      const scalars = this.pending;
      this.pending = [];
      const stacked = tf.stack(scalars);
      tf.dispose(scalars);
      const values = (await stacked.data()) as Float32Array;
      stacked.dispose();
      const loss = new Float32Array(n);
      const acc = new Float32Array(n);
      const gradNorm = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        loss[i] = values[PER_STEP * i];
        acc[i] = values[PER_STEP * i + 1];
        gradNorm[i] = values[PER_STEP * i + 2];
        if (!Number.isFinite(loss[i])) finite = false;
        this.watch.observe(loss[i]);
        this.lossSum += loss[i];
        this.accSum += acc[i];
      }
      this.counted += n;
      const learningRate = Float32Array.from(this.pendingLr);
      this.pendingLr = [];
      const now = performance.now();
      const samplesPerSec = (this.samplesSinceFlush * 1000) / Math.max(1e-3, now - this.lastFlush);
      this.onEvent({ kind: 'steps', firstStep: this.firstPendingStep, loss, accuracy: acc, learningRate, gradNorm, epoch: this.epoch + 1, stepInEpoch, samplesPerSec });
      this.firstPendingStep += n;
      this.samplesSinceFlush = 0;
      this.lastFlush = now;
    }
    finite = finite && Number.isFinite(this.lossSum) && !this.watch.exploded;
    return { meanLoss: this.lossSum / Math.max(1, this.counted), meanAccuracy: this.accSum / Math.max(1, this.counted), finite, exploded: this.watch.exploded };
  }
}

/** Watches the running loss of a whole run (bias-corrected average, β = 0.98) for an explosion. */
export class ExplosionWatch {
  private readonly avg = new Ema(0.98);
  private best = Infinity;
  private start = NaN;
  exploded = false;

  observe(loss: number): void {
    const smoothed = this.avg.next(loss);
    if (this.avg.count === 1) this.start = smoothed;
    this.best = Math.min(this.best, smoothed);
    // After 20 steps, a running loss past 4× its best (the start counts) and back above half of where it started
    // means the run has blown up. Late in a good run the best is tiny: a run of hard batches then quadruples it
    // (MNIST, Adam, epoch 10: 0.008 → 0.031) without anything having blown up.
    if (this.avg.count > 20 && smoothed > 4 * this.best && !(smoothed <= 0.5 * this.start)) this.exploded = true;
  }
}
