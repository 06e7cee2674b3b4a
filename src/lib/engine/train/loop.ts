import * as tf from '@tensorflow/tfjs';
import { featureSize, gatherBatch, splitIndices, type Dataset } from '../data/dataset';
import { Rng } from '../rng';
import type { TrainConfig } from './config';
import { evaluate } from './evaluate';
import type { TrainEventListener } from './events';
import { accuracy, sparseCategoricalCrossentropy } from './losses';
import { createOptimizer } from './optimizers';
import { nextMacrotask } from './yield';

/** How often progress is sent (ms): at most ~30 messages a second. */
const REPORT_MS = 33;
/** How long the loop may run before it lets other messages in (ms). */
const YIELD_MS = 10;

export interface TrainResult {
  stopped: boolean;
  steps: number;
  epochs: number;
  seconds: number;
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

  constructor(
    private readonly model: tf.LayersModel,
    private readonly dataset: Dataset,
    private readonly config: TrainConfig,
  ) {
    this.optimizer = createOptimizer(config.optimizer, config.learningRate);
  }

  /** Asks the loop to end after the current step. */
  stop(): void {
    this.stopRequested = true;
  }

  get isStopping(): boolean {
    return this.stopRequested;
  }

  async run(onEvent: TrainEventListener): Promise<TrainResult> {
    const { dataset, config, model } = this;
    const features = featureSize(dataset.inputShape);
    const { train: trainIdx, val: valIdx } = splitIndices(dataset.train.count, config.validationSplit, config.seed);
    const batch = Math.min(config.batchSize, trainIdx.length);
    const stepsPerEpoch = Math.floor(trainIdx.length / batch);
    const xBuf = new Float32Array(batch * features);
    const yBuf = new Int32Array(batch);
    const order = new Uint32Array(trainIdx.length);
    const rng = new Rng(config.seed);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const t0 = performance.now();
    onEvent({ kind: 'start', epochs: config.epochs, stepsPerEpoch, batchSize: batch, trainCount: trainIdx.length, valCount: valIdx.length });

    let step = 0;
    let epoch = 0;
    for (; epoch < config.epochs && !this.stopRequested; epoch++) {
      const epochStart = performance.now();
      rng.permutation(order);
      for (let i = 0; i < order.length; i++) order[i] = trainIdx[order[i]];
      const reporter = new StepReporter(onEvent, epoch, step, batch);
      let lastYield = performance.now();
      let s = 0;
      for (; s < stepsPerEpoch && !this.stopRequested; s++, step++) {
        gatherBatch(dataset.train, features, dataset.xScale, order, s * batch, batch, xBuf, yBuf);
        reporter.add(this.trainStep(xBuf, yBuf, batch, vars));
        const now = performance.now();
        if (now - reporter.lastFlush >= REPORT_MS) await reporter.flush(s + 1);
        if (now - lastYield >= YIELD_MS) {
          await nextMacrotask();
          lastYield = performance.now();
        }
      }
      const trainStats = await reporter.flush(s);
      if (this.stopRequested && s < stepsPerEpoch) break;
      const val = valIdx.length > 0 ? await evaluate(model, dataset, dataset.train, valIdx, () => this.stopRequested) : null;
      onEvent({
        kind: 'epoch',
        epoch: epoch + 1,
        trainLoss: trainStats.meanLoss,
        trainAccuracy: trainStats.meanAccuracy,
        valLoss: val?.loss ?? null,
        valAccuracy: val?.accuracy ?? null,
        seconds: (performance.now() - epochStart) / 1000,
      });
    }
    const result = { stopped: this.stopRequested, steps: step, epochs: epoch, seconds: (performance.now() - t0) / 1000 };
    onEvent({ kind: 'done', ...result });
    return result;
  }

  /** One optimizer step. Returns [loss, accuracy] scalars that the caller disposes. */
  private trainStep(xBuf: Float32Array, yBuf: Int32Array, batch: number, vars: tf.Variable[]): [tf.Scalar, tf.Scalar] {
    const x = tf.tensor(xBuf, [batch, ...this.dataset.inputShape]);
    const y = tf.tensor1d(yBuf, 'int32');
    let acc: tf.Scalar | undefined;
    try {
      const loss = this.optimizer.minimize(
        () => {
          const probs = this.model.apply(x, { training: true }) as tf.Tensor2D;
          acc = tf.keep(accuracy(probs, y));
          return sparseCategoricalCrossentropy(probs, y);
        },
        true,
        vars,
      ) as tf.Scalar;
      return [loss, acc!];
    } finally {
      tf.dispose([x, y]);
    }
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** Collects per-step loss/accuracy scalars and reads them back in one go, asynchronously. */
class StepReporter {
  private pending: tf.Scalar[] = [];
  private firstPendingStep: number;
  private lossSum = 0;
  private accSum = 0;
  private counted = 0;
  lastFlush = performance.now();
  private samplesSinceFlush = 0;

  constructor(
    private readonly onEvent: TrainEventListener,
    private readonly epoch: number,
    firstStep: number,
    private readonly batch: number,
  ) {
    this.firstPendingStep = firstStep;
  }

  add([loss, acc]: [tf.Scalar, tf.Scalar]): void {
    this.pending.push(loss, acc);
    this.samplesSinceFlush += this.batch;
  }

  async flush(stepInEpoch: number): Promise<{ meanLoss: number; meanAccuracy: number }> {
    const n = this.pending.length / 2;
    if (n > 0) {
      const scalars = this.pending;
      this.pending = [];
      const stacked = tf.stack(scalars);
      tf.dispose(scalars);
      const values = (await stacked.data()) as Float32Array;
      stacked.dispose();
      const loss = new Float32Array(n);
      const acc = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        loss[i] = values[2 * i];
        acc[i] = values[2 * i + 1];
        this.lossSum += loss[i];
        this.accSum += acc[i];
      }
      this.counted += n;
      const now = performance.now();
      const samplesPerSec = (this.samplesSinceFlush * 1000) / Math.max(1e-3, now - this.lastFlush);
      this.onEvent({ kind: 'steps', firstStep: this.firstPendingStep, loss, accuracy: acc, epoch: this.epoch + 1, stepInEpoch, samplesPerSec });
      this.firstPendingStep += n;
      this.samplesSinceFlush = 0;
      this.lastFlush = now;
    }
    return { meanLoss: this.lossSum / Math.max(1, this.counted), meanAccuracy: this.accSum / Math.max(1, this.counted) };
  }
}
