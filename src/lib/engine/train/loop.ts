import { engineMessage } from '../errors';
import * as tf from '../tf';
import { arrangeByArrival, type DataArrival } from '../data/arrival';
import { featureSize, splitIndices, type Dataset } from '../data/dataset';
import { Rng } from '../rng';
import type { TrainConfig } from './config';
import { evaluate } from './evaluate';
import type { TrainEventListener } from './events';
import type { TrainerHooks } from './hooks';
import { defaultLoss, type LossName } from './losses';
import { createOptimizer, setOptimizerParams } from './optimizers';
import { ExplosionWatch, StepReporter } from './reporter';
import { StepRunner } from './step';
import { timeModelKernels } from '../kernels/webgpu/timing';
import { nextMacrotask } from './yield';

/** How often progress is sent (ms): 10 messages a second (each one is a redraw of the page: text, charts). */
const REPORT_MS = 100;
/** How long the loop may run before it lets other messages in (ms). */
const YIELD_MS = 10;
/** How often a loop waiting for data that streams in looks at Stop (ms). */
const ARRIVAL_POLL_MS = 100;

export interface TrainResult {
  stopped: boolean;
  steps: number;
  epochs: number;
  seconds: number;
  /** Set when the run ended because the loss became NaN/Inf. */
  diverged?: boolean;
}

/**
 * Custom training loop: batches are gathered from the dataset's typed arrays through a seeded
 * permutation into preallocated buffers, one optimizer step per batch, losses read back
 * asynchronously and reported in coalesced events. The last partial batch of an epoch is
 * dropped (a new shape would recompile GPU shaders). The model keeps what it learned when stopped.
 */
export class Trainer {
  private stopRequested = false;
  private readonly optimizer: tf.Optimizer;
  private readonly lossName: LossName;
  private currentLr: number;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly dataset: Dataset,
    private readonly config: TrainConfig,
    private readonly hooks: TrainerHooks = {},
    /** Continue a run from the end of epoch `epoch` (global step `step`), e.g. from a stored checkpoint. */
    private readonly resumeFrom?: { epoch: number; step: number },
  ) {
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
    this.lossName = config.loss ?? defaultLoss(dataset.task);
    this.currentLr = config.learningRate;
  }

  /** Asks the loop to end after the current step. */
  stop(): void {
    this.stopRequested = true;
  }

  get isStopping(): boolean {
    return this.stopRequested;
  }

  async run(onEvent: TrainEventListener): Promise<TrainResult> {
    const { dataset, config, model, hooks } = this;
    const features = featureSize(dataset.inputShape);
    const { train: trainIdx, val: valIdx } = splitIndices(dataset.train.count, config.validationSplit, config.seed);
    const batch = Math.min(config.batchSize, trainIdx.length);
    const stepsPerEpoch = Math.floor(trainIdx.length / batch);
    const totalSteps = stepsPerEpoch * config.epochs;
    const xBuf = new Float32Array(batch * features);
    const yBuf = dataset.task === 'classification' ? new Int32Array(batch) : new Float32Array(batch);
    const order = new Uint32Array(trainIdx.length);
    const rng = new Rng(config.seed);
    const stepper = new StepRunner(model, dataset, this.lossName);
    // On WebGPU, our kernels run only for the shape classes where they were timed faster than TF.js's.
    await timeModelKernels(model, batch, config.optimizer);
    const t0 = performance.now();
    onEvent({ kind: 'start', epochs: config.epochs, stepsPerEpoch, batchSize: batch, trainCount: trainIdx.length, valCount: valIdx.length });

    let step = this.resumeFrom?.step ?? 0;
    const firstStep = step;
    let epoch = this.resumeFrom?.epoch ?? 0;
    // Replays the shuffles of the epochs already done, so a resumed run sees the batches an uninterrupted one would.
    for (let e = 0; e < epoch; e++) rng.permutation(order);
    let diverged = false;
    const watch = new ExplosionWatch();
    for (; epoch < config.epochs && !this.stopRequested; epoch++) {
      const epochStart = performance.now();
      rng.permutation(order);
      for (let i = 0; i < order.length; i++) order[i] = trainIdx[order[i]];
      // Data that streams in: the first epoch takes the examples block by block as they arrive (every one once).
      if (epoch === 0 && dataset.arrival) arrangeByArrival(order);
      const reporter = new StepReporter(onEvent, epoch, step, batch, watch);
      let lastYield = performance.now();
      let s = 0;
      for (; s < stepsPerEpoch && !this.stopRequested; s++, step++) {
        const arrival = dataset.arrival;
        if (arrival && (arrival.failed || arrival.train < arrival.trainTotal) && !(await this.awaitRows(arrival, order, s * batch, batch))) break;
        this.applySchedule(step, totalSteps);
        // The next batch of this epoch may be gathered during this step, once every row has arrived.
        const next = s + 1 < stepsPerEpoch && (!arrival || arrival.train >= arrival.trainTotal) ? (s + 1) * batch : -1;
        const inputs = stepper.gather(this.optimizer, dataset.train, dataset.xScale, order, s * batch, batch, xBuf, yBuf, next);
        const onGradients = hooks.onGradients && (hooks.wantsGradients?.(step) ?? true) ? (grads: tf.NamedTensorMap) => hooks.onGradients!(step, grads) : undefined;
        reporter.add(stepper.step(this.optimizer, inputs.x, inputs.y, batch, onGradients), this.currentLr);
        const now = performance.now();
        // The run's first step is reported at once (the loss appears the moment training starts), then every REPORT_MS.
        if ((step === firstStep || now - reporter.lastFlush >= REPORT_MS) && !(await reporter.flush(s + 1)).finite) break;
        if (now - lastYield >= YIELD_MS) {
          await nextMacrotask();
          lastYield = performance.now();
        }
      }
      const trainStats = await reporter.flush(s);
      if (!trainStats.finite) {
        diverged = true;
        onEvent({ kind: 'error', message: engineMessage('train.diverged', { lr: this.currentLr, exploded: trainStats.exploded }), diverged: true });
        break;
      }
      if (this.stopRequested && s < stepsPerEpoch) break;
      // Validation and the epoch's report are over the full data: the rest of the training files is waited for.
      if (dataset.arrival && !(await this.awaitCount(dataset.arrival, dataset.train.count))) break;
      const val = valIdx.length > 0 ? await evaluate(model, dataset, dataset.train, valIdx, () => this.stopRequested, this.lossName) : null;
      onEvent({
        kind: 'epoch',
        epoch: epoch + 1,
        trainLoss: trainStats.meanLoss,
        trainAccuracy: trainStats.meanAccuracy,
        valLoss: val?.loss ?? null,
        valAccuracy: val?.accuracy ?? null,
        seconds: (performance.now() - epochStart) / 1000,
      });
      const verdict = await hooks.onEpochEnd?.({ epoch: epoch + 1, step, model, trainLoss: trainStats.meanLoss, valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null });
      if (verdict === 'stop') {
        epoch++;
        break;
      }
    }
    const result: TrainResult = { stopped: this.stopRequested || diverged, steps: step, epochs: epoch, seconds: (performance.now() - t0) / 1000, ...(diverged ? { diverged } : {}) };
    onEvent({ kind: 'done', stopped: result.stopped, steps: result.steps, epochs: result.epochs, seconds: result.seconds });
    return result;
  }

  /**
   * Waits until rows `order[start .. start+size)` have arrived (they arrive as a prefix of the file); false when
   * Stop came first. Throws the stream's failure (a damaged file, a checksum mismatch): the run stops with it.
   */
  private async awaitRows(arrival: DataArrival, order: Uint32Array, start: number, size: number): Promise<boolean> {
    arrival.check();
    if (arrival.train >= arrival.trainTotal) return true;
    let need = 0;
    for (let j = start; j < start + size; j++) if (order[j] >= need) need = order[j] + 1;
    return this.awaitCount(arrival, need);
  }

  private async awaitCount(arrival: DataArrival, count: number): Promise<boolean> {
    while (arrival.train < count) {
      if (this.stopRequested) return false;
      await arrival.waitTrainOrTimeout(count, ARRIVAL_POLL_MS);
    }
    arrival.check();
    return true;
  }

  private applySchedule(step: number, totalSteps: number): void {
    const { hooks } = this;
    if (!hooks.learningRateAt && !hooks.momentumAt) return;
    const lr = hooks.learningRateAt?.(step, totalSteps) ?? this.config.learningRate;
    const momentum = hooks.momentumAt?.(step, totalSteps);
    setOptimizerParams(this.optimizer, lr, momentum);
    this.currentLr = lr;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

