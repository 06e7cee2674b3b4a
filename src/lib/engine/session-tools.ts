import type * as tf from '@tensorflow/tfjs';
import { measureModelFit, measureThroughput, profileStep, quickThroughput, testTracking, type ThroughputResult, type TrackedEpoch } from './bench';
import type { Dataset } from './data/dataset';
import { buildModel } from './models/build';
import type { ModelSpec } from './models/spec';
import type { Session } from './session';
import type { TrainConfig } from './train/config';
import { evaluate } from './train/evaluate';
import type { TrainResult } from './train/loop';
import { findBatchSize, type BatchDecision, type BatchRow } from './tune/batch-finder';
import { lrRangeTest, type RangeTestPoint, type RangeTestResult } from './tune/lr-finder';

/**
 * The tuner and the measurements, on the session's data and model: the learning-rate range test, the
 * batch-size finder, throughput benchmarks and the backend checks. Kept apart from `Session`, which owns
 * the data, the model and the run.
 */
export class SessionTools {
  private busy = false;
  private stopRequested = false;

  constructor(private readonly session: Session) {}

  get isBusy(): boolean {
    return this.busy;
  }

  /** Asks a running range test or batch finder to end early. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Learning-rate range test on a fresh model from `config.seed` (the weights a run would start from). */
  async rangeTest(config: TrainConfig, onPoint?: (p: RangeTestPoint, index: number, total: number) => void): Promise<RangeTestResult> {
    return this.tuning(config, (model, dataset) =>
      lrRangeTest(model, dataset, { optimizer: config.optimizer, batchSize: config.batchSize, seed: config.seed, validationSplit: config.validationSplit }, onPoint, () => this.stopRequested),
    );
  }

  /** Batch-size finder on a fresh model from `config.seed`, trying sizes up to `maxBatch` (Auto's plan). */
  async findBatchSize(config: TrainConfig, onRow?: (row: BatchRow) => void, maxBatch?: number): Promise<BatchDecision> {
    return this.tuning(config, (model, dataset) =>
      findBatchSize(model, dataset, { optimizer: config.optimizer, learningRate: config.learningRate, seed: config.seed, validationSplit: config.validationSplit, maxBatch }, onRow, () => this.stopRequested),
    );
  }

  private async tuning<T>(config: TrainConfig, job: (model: tf.LayersModel, dataset: Dataset) => Promise<T>): Promise<T> {
    const dataset = this.session.activeDataset;
    const spec = this.requireSpec('Choose a model before tuning.');
    if (this.session.isTraining || this.busy) throw new Error('A run is already in progress.');
    this.session.setModel(spec, config.seed);
    this.busy = true;
    this.stopRequested = false;
    try {
      return await job(this.session.currentModel!, dataset);
    } finally {
      this.busy = false;
    }
  }

  /** Training throughput of our loop on the current dataset (see engine/bench.ts). */
  benchThroughput(spec: ModelSpec, config: TrainConfig, warmupMs?: number, measureMs?: number): Promise<ThroughputResult> {
    return measureThroughput(this.session.activeDataset, spec, config, warmupMs, measureMs);
  }

  /** The same measured with plain `model.fit`, as a reference. */
  benchModelFit(spec: ModelSpec, config: TrainConfig, samples?: number): Promise<ThroughputResult> {
    return measureModelFit(this.session.activeDataset, spec, config, samples);
  }

  /** Kernel times of one training step on the active backend (see engine/bench.ts). */
  profileStep(spec: ModelSpec, config: TrainConfig) {
    return profileStep(this.session.activeDataset, spec, config);
  }

  /** A run that records test accuracy per epoch and stops at `targetAccuracy` (benchmarks; see engine/bench.ts). */
  async trainTracked(config: TrainConfig, targetAccuracy: number, minEpochs: number): Promise<{ result: TrainResult; epochs: TrackedEpoch[] }> {
    const epochs: TrackedEpoch[] = [];
    const result = await this.session.train(config, () => {}, { hooks: testTracking(this.session.activeDataset, targetAccuracy, minEpochs, epochs) });
    return { result, epochs };
  }

  /**
   * Samples/s of a few real training steps of the current model on the active backend, within `budgetMs`
   * (warm-up included, so a backend with slow shader compilation scores low). The model's weights are untouched.
   */
  async quickThroughput(budgetMs: number, batchSize = 32): Promise<number> {
    return quickThroughput(this.session.activeDataset, this.requireSpec('Choose a model first.'), batchSize, budgetMs);
  }

  /**
   * Loss of a fresh model from the current spec (seed 1) on the first 256 training examples, on the active
   * backend: compared across backends to check a GPU backend's numerics against the CPU.
   */
  async lossOnFirstBatch(): Promise<number> {
    const dataset = this.session.activeDataset;
    const model = buildModel(this.requireSpec('Choose a model first.'), dataset.inputShape, 1);
    try {
      const n = Math.min(256, dataset.train.count);
      const ev = await evaluate(model, dataset, dataset.train, Uint32Array.from({ length: n }, (_, i) => i));
      return ev.loss;
    } finally {
      model.dispose();
    }
  }

  private requireSpec(message: string): ModelSpec {
    const spec = this.session.currentSpec;
    if (!spec) throw new Error(message);
    return spec;
  }
}
