import type { TrainConfig } from '../engine/train/config';
import type { EpochMetrics, TrainEvent } from '../engine/train/events';
import { Ema } from '../engine/train/ema';
import { Series } from './series';
import { describe } from '../i18n/engine-text';

export type RunStatus = 'idle' | 'training' | 'stopping' | 'done' | 'stopped' | 'error';

/** One row of the epoch table: the engine's per-epoch metrics (kept under this name for the table's import). */

/**
 * The live state of one run. Per-step metrics live in typed columns outside Svelte's reactivity
 * (100,000s of points); `version` changes whenever they grow, so charts redraw at most once a frame.
 */
export class RunState {
  status = $state<RunStatus>('idle');
  epoch = $state(0);
  epochs = $state(0);
  stepInEpoch = $state(0);
  stepsPerEpoch = $state(0);
  totalSteps = $state(0);
  samplesPerSec = $state(0);
  seconds = $state(0);
  trainCount = $state(0);
  valCount = $state(0);
  error = $state<string | null>(null);
  epochRows = $state<EpochMetrics[]>([]);
  lastLoss = $state<number | null>(null);
  /** The loss of this run's first reported step (how far it has come since). */
  firstLoss = $state<number | null>(null);
  /** The smoothed loss after the last reported step. */
  smoothedLoss = $state<number | null>(null);
  version = $state(0);

  readonly steps = new Series();
  readonly loss = new Series();
  readonly lossSmooth = new Series();
  readonly accSmooth = new Series();
  /** Raw batch accuracy, learning rate and global gradient norm per step. */
  readonly accuracy = new Series();
  readonly learningRate = new Series();
  readonly gradNorm = new Series();
  /** Smoothing factor β of the smoothed curves (0 = raw), chosen with a slider. */
  smoothing = $state(0.95);
  /** Log scale for the loss and gradient-norm axes. */
  logScale = $state(false);
  private readonly lossSmoother = new Ema(0.95);
  private readonly accSmoother = new Ema(0.95);
  private startedAt = 0;

  get isActive(): boolean {
    return this.status === 'training' || this.status === 'stopping';
  }

  /** Fraction of all steps done, 0..1. */
  get progress(): number {
    const total = this.epochs * this.stepsPerEpoch;
    return total > 0 ? Math.min(1, ((this.epoch - 1) * this.stepsPerEpoch + this.stepInEpoch) / total) : 0;
  }

  /** The settings of this run (with the tuner's decisions when Auto chose them). */
  config = $state.raw<TrainConfig | null>(null);
  /** True when the run ended because the loss became NaN/Inf or exploded. */
  diverged = $state(false);

  reset(config: TrainConfig | null = null): void {
    this.config = config;
    this.diverged = false;
    this.status = 'training';
    this.epoch = 1;
    this.stepInEpoch = 0;
    this.totalSteps = 0;
    this.samplesPerSec = 0;
    this.seconds = 0;
    this.error = null;
    this.epochRows = [];
    this.lastLoss = null;
    this.firstLoss = null;
    for (const s of [this.steps, this.loss, this.lossSmooth, this.accSmooth, this.accuracy, this.learningRate, this.gradNorm]) s.clear();
    this.lossSmoother.reset();
    this.accSmoother.reset();
    this.startedAt = performance.now();
    this.version++;
  }

  /** Shows a stored run's history (to continue it, or to look at it again). */
  restore(record: { epochs: EpochMetrics[]; stepLoss: Float32Array; stepAccuracy: Float32Array; completedEpochs: number; stepsPerEpoch: number; seconds: number; config: { epochs: number } }, status: RunStatus): void {
    this.reset();
    for (let i = 0; i < record.stepLoss.length; i++) {
      this.steps.push(i + 1);
      this.loss.push(record.stepLoss[i]);
      this.lossSmooth.push(this.lossSmoother.next(record.stepLoss[i]));
      this.accSmooth.push(this.accSmoother.next(record.stepAccuracy[i]));
      // Stored runs keep loss and accuracy per step; rate and gradient norm are not stored (gaps in the charts).
      this.accuracy.push(record.stepAccuracy[i]);
      this.learningRate.push(NaN);
      this.gradNorm.push(NaN);
    }
    this.status = status;
    this.epochRows = record.epochs.map((e) => ({ ...e }));
    this.epochs = record.config.epochs;
    this.stepsPerEpoch = record.stepsPerEpoch;
    this.epoch = Math.max(1, record.completedEpochs);
    this.stepInEpoch = record.completedEpochs > 0 ? record.stepsPerEpoch : 0;
    this.totalSteps = record.stepLoss.length;
    this.lastLoss = record.stepLoss.length ? record.stepLoss[record.stepLoss.length - 1] : null;
    this.firstLoss = record.stepLoss.length ? record.stepLoss[0] : null;
    this.seconds = record.seconds;
    this.version++;
  }

  /** Changes the smoothing and recomputes both smoothed curves over every step so far. */
  setSmoothing(beta: number): void {
    this.smoothing = beta;
    for (const sm of [this.lossSmoother, this.accSmoother]) {
      sm.beta = beta;
      sm.reset();
    }
    const [loss, acc] = [this.loss.view(), this.accuracy.view()];
    this.lossSmooth.clear();
    this.accSmooth.clear();
    for (let i = 0; i < loss.length; i++) {
      this.lossSmooth.push(this.lossSmoother.next(loss[i]));
      this.accSmooth.push(this.accSmoother.next(acc[i]));
    }
    this.version++;
  }

  apply(event: TrainEvent): void {
    this.seconds = (performance.now() - this.startedAt) / 1000;
    switch (event.kind) {
      case 'fallback':
        // The run continues from its last checkpoint: steps after it are done again on the new backend,
        // and the failed attempt's error is no longer the run's state.
        this.status = 'training';
        this.error = null;
        for (const series of [this.steps, this.loss, this.lossSmooth, this.accSmooth, this.accuracy, this.learningRate, this.gradNorm]) series.truncate(event.resumeStep);
        this.epochRows = this.epochRows.filter((r) => r.epoch <= event.resumeEpoch);
        this.totalSteps = event.resumeStep;
        this.setSmoothing(this.smoothing);
        break;
      case 'start':
        this.epochs = event.epochs;
        this.stepsPerEpoch = event.stepsPerEpoch;
        this.trainCount = event.trainCount;
        this.valCount = event.valCount;
        break;
      case 'steps':
        for (let i = 0; i < event.loss.length; i++) {
          this.steps.push(event.firstStep + i + 1);
          this.loss.push(event.loss[i]);
          this.lossSmooth.push(this.lossSmoother.next(event.loss[i]));
          this.accSmooth.push(this.accSmoother.next(event.accuracy[i]));
          this.accuracy.push(event.accuracy[i]);
          this.learningRate.push(event.learningRate[i]);
          this.gradNorm.push(event.gradNorm[i]);
        }
        this.epoch = event.epoch;
        this.stepInEpoch = event.stepInEpoch;
        this.totalSteps = event.firstStep + event.loss.length;
        this.samplesPerSec = event.samplesPerSec;
        this.lastLoss = event.loss[event.loss.length - 1];
        if (this.firstLoss === null && event.loss.length) this.firstLoss = event.loss[0];
        this.smoothedLoss = this.lossSmooth.view()[this.lossSmooth.length - 1];
        this.version++;
        break;
      case 'epoch':
        const { kind: _, ...row } = event;
        this.epochRows = [...this.epochRows, row];
        break;
      case 'done':
        if (this.status !== 'error') this.status = event.stopped ? 'stopped' : 'done';
        this.seconds = event.seconds;
        break;
      case 'error':
        this.status = 'error';
        this.error = describe(event.message);
        this.diverged = event.diverged === true;
        break;
    }
  }
}
