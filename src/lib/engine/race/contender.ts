import * as tf from '../tf';
import { featureSize, gatherBatch, splitIndices, type Dataset } from '../data/dataset';
import { engineMessage, toEngineMessage, type EngineMessage } from '../errors';
import { Rng } from '../rng';
import type { TrainConfig } from '../train/config';
import { evaluate } from '../train/evaluate';
import type { TrainEvent } from '../train/events';
import type { EpochContext } from '../train/hooks';
import { defaultLoss, type LossName } from '../train/losses';
import { createOptimizer, setOptimizerParams } from '../train/optimizers';
import { ExplosionWatch, StepReporter } from '../train/reporter';
import { learningRateAt, momentumAt } from '../train/schedules';
import { StepRunner } from '../train/step';
import type { ContenderOutcome } from './events';

/** How often a single run reports its steps (ms of wall time); a race's contenders share it (N contenders: each every N × this). */
const REPORT_MS = 33;

/**
 * One contender of a race: the training loop of `train/loop.ts` cut into single steps, so that a race can
 * run its contenders one step each in turn. Same seeded split and shuffles as a single run (the batches
 * depend only on the seed and the batch size), same loss read-back and divergence check (a smoothed loss past
 * 4× its best, or NaN/Inf). It measures its own working time, so its samples/s and its curve against
 * seconds are what it would show alone. Owns `model` and its optimizer: `dispose()` frees both.
 */
export class Contender {
  status: 'running' | ContenderOutcome['status'] = 'running';
  divergedAt: ContenderOutcome['divergedAt'];
  error: EngineMessage | undefined;
  private readonly optimizer: tf.Optimizer;
  private readonly stepper: StepRunner;
  private readonly lossName: LossName;
  private readonly features: number;
  private readonly trainIdx: Uint32Array;
  private readonly valIdx: Uint32Array;
  private readonly batch: number;
  private readonly stepsPerEpoch: number;
  private readonly totalSteps: number;
  private readonly xBuf: Float32Array;
  private readonly yBuf: Int32Array | Float32Array;
  private readonly order: Uint32Array;
  private readonly rng: Rng;
  private readonly watch = new ExplosionWatch();
  /** The same check again, step by step, to name the step at which the loss blew up. */
  private readonly stepWatch = new ExplosionWatch();
  private reporter: StepReporter | null = null;
  private step = 0;
  private epoch = 0;
  private inEpoch = 0;
  private learningRate: number;
  private readonly reportMs: number;
  private busyMs = 0;
  private sliceStart = 0;
  private epochStartSeconds = 0;

  constructor(
    readonly index: number,
    readonly model: tf.LayersModel,
    private readonly dataset: Dataset,
    readonly config: TrainConfig,
    private readonly emit: (event: TrainEvent, seconds: number) => void,
    /** Runs after each epoch's validation (the recorder's checkpoint). */
    private readonly onEpochEnd: (ctx: EpochContext) => Promise<void> = async () => {},
    /** How many contenders share the machine: together they report as often as one single run. */
    shares = 1,
  ) {
    this.reportMs = REPORT_MS * Math.max(1, shares);
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
    this.learningRate = config.learningRate;
    this.lossName = config.loss ?? defaultLoss(dataset.task);
    this.stepper = new StepRunner(model, dataset, this.lossName);
    this.features = featureSize(dataset.inputShape);
    const split = splitIndices(dataset.train.count, config.validationSplit, config.seed);
    this.trainIdx = split.train;
    this.valIdx = split.val;
    this.batch = Math.min(config.batchSize, this.trainIdx.length);
    this.stepsPerEpoch = Math.floor(this.trainIdx.length / this.batch);
    this.totalSteps = this.stepsPerEpoch * config.epochs;
    this.xBuf = new Float32Array(this.batch * this.features);
    this.yBuf = dataset.task === 'classification' ? new Int32Array(this.batch) : new Float32Array(this.batch);
    this.order = new Uint32Array(this.trainIdx.length);
    this.rng = new Rng(config.seed);
  }

  /** Seconds of this contender's own work so far. */
  get seconds(): number {
    return (this.busyMs + (this.sliceStart ? performance.now() - this.sliceStart : 0)) / 1000;
  }

  get stepsDone(): number {
    return this.step;
  }

  /** Announces the run (the 'start' event of a single run). */
  begin(): void {
    const { config, batch, stepsPerEpoch } = this;
    this.emit({ kind: 'start', epochs: config.epochs, stepsPerEpoch, batchSize: batch, trainCount: this.trainIdx.length, valCount: this.valIdx.length }, 0);
    if (stepsPerEpoch === 0) this.status = 'done';
  }

  /** One optimizer step (and the epoch's end when it was the epoch's last); ends the run when it is over. */
  async advance(shouldStop: () => boolean): Promise<void> {
    if (this.status !== 'running') return;
    this.sliceStart = performance.now();
    try {
      if (shouldStop()) return await this.end('stopped');
      if (this.inEpoch === 0) this.beginEpoch();
      const reporter = this.reporter!;
      this.applySchedule();
      gatherBatch(this.dataset.train, this.features, this.dataset.xScale, this.order, this.inEpoch * this.batch, this.batch, this.xBuf, this.yBuf);
      reporter.add(this.stepper.step(this.optimizer, this.xBuf, this.yBuf, this.batch), this.learningRate);
      this.inEpoch++;
      this.step++;
      if (this.inEpoch === this.stepsPerEpoch) await this.endEpoch(shouldStop);
      else if (performance.now() - reporter.lastFlush >= this.reportMs && !(await reporter.flush(this.inEpoch)).finite) await this.diverge();
    } catch (err) {
      await this.fail(err);
    } finally {
      this.busyMs += performance.now() - this.sliceStart;
      this.sliceStart = 0;
    }
  }

  outcome(): ContenderOutcome {
    const status = this.status === 'running' ? 'stopped' : this.status;
    return {
      status,
      steps: this.step,
      epochs: this.epoch,
      seconds: this.seconds,
      ...(this.divergedAt ? { divergedAt: this.divergedAt } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }

  private beginEpoch(): void {
    this.rng.permutation(this.order);
    for (let i = 0; i < this.order.length; i++) this.order[i] = this.trainIdx[this.order[i]];
    this.reporter = new StepReporter((e) => this.onSteps(e), this.epoch, this.step, this.batch, this.watch);
    this.epochStartSeconds = this.seconds;
  }

  /** The reporter's coalesced steps: finds the exact step of a blow-up, and measures samples/s on own time. */
  private onSteps(event: TrainEvent): void {
    if (event.kind !== 'steps') return this.emit(event, this.seconds);
    for (let i = 0; i < event.loss.length; i++) {
      const loss = event.loss[i];
      this.stepWatch.observe(loss);
      if (!this.divergedAt && (!Number.isFinite(loss) || this.stepWatch.exploded)) {
        this.divergedAt = { step: event.firstStep + i + 1, learningRate: event.learningRate[i], exploded: Number.isFinite(loss) };
      }
    }
    // Over the whole run so far: a rate per report (a few ms of work) swings with whatever else the machine does.
    const seconds = this.seconds;
    const samplesPerSec = ((event.firstStep + event.loss.length) * this.batch) / Math.max(1e-6, seconds);
    this.emit({ ...event, samplesPerSec }, seconds);
  }

  private applySchedule(): void {
    const spec = this.config.schedule;
    if (!spec || spec.kind === 'constant') return;
    const perEpoch = this.totalSteps / this.config.epochs;
    this.learningRate = learningRateAt(spec, this.config.learningRate, this.step, this.totalSteps, perEpoch);
    setOptimizerParams(this.optimizer, this.learningRate, momentumAt(spec, this.step, this.totalSteps, perEpoch));
  }

  private async endEpoch(shouldStop: () => boolean): Promise<void> {
    const stats = await this.reporter!.flush(this.inEpoch);
    this.reporter = null;
    if (!stats.finite) return this.diverge();
    const val = this.valIdx.length > 0 ? await evaluate(this.model, this.dataset, this.dataset.train, this.valIdx, shouldStop, this.lossName) : null;
    this.epoch++;
    this.inEpoch = 0;
    const metrics = { epoch: this.epoch, trainLoss: stats.meanLoss, trainAccuracy: stats.meanAccuracy, valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null };
    this.emit({ kind: 'epoch', ...metrics, seconds: this.seconds - this.epochStartSeconds }, this.seconds);
    await this.onEpochEnd({ epoch: this.epoch, step: this.step, model: this.model, trainLoss: stats.meanLoss, valLoss: metrics.valLoss, valAccuracy: metrics.valAccuracy });
    if (this.epoch >= this.config.epochs) await this.end('done');
  }

  private async diverge(): Promise<void> {
    const at = (this.divergedAt ??= { step: this.step, learningRate: this.learningRate, exploded: this.watch.exploded });
    this.emit({ kind: 'error', message: engineMessage('train.diverged', { lr: at.learningRate, exploded: at.exploded }), diverged: true }, this.seconds);
    await this.end('diverged');
  }

  private async fail(err: unknown): Promise<void> {
    this.error = toEngineMessage(err);
    this.emit({ kind: 'error', message: this.error }, this.seconds);
    await this.end('error').catch(() => {});
  }

  /** Ends the run: steps not yet read back are (their scalars freed), and the 'done' event of a single run follows. */
  private async end(status: ContenderOutcome['status']): Promise<void> {
    this.status = status;
    const reporter = this.reporter;
    this.reporter = null;
    if (reporter) await reporter.flush(this.inEpoch).catch(() => {});
    this.emit({ kind: 'done', stopped: status !== 'done', steps: this.step, epochs: this.epoch, seconds: this.seconds }, this.seconds);
  }
}
