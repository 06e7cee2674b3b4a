import * as tf from '../tf';
import { measureModelFit, measureThroughput, profileStep, quickThroughput, testTracking, type ThroughputResult, type TrackedEpoch } from '../bench';
import type { Dataset } from '../data/dataset';
import { buildModel } from '../models/build';
import type { ModelSpec } from '../models/spec';
import type { TrainConfig } from '../train/config';
import { evaluate } from '../train/evaluate';
import type { TrainResult } from '../train/loop';
import { autoConfig, autoPlan } from '../tune/auto';
import { findBatchSize, type BatchDecision } from '../tune/batch-finder';
import type { AutoEvent, TuneEvent } from '../tune/events';
import { lrRangeTest, type RangeTestResult } from '../tune/lr-finder';
import type { Session } from './session';
import { largestFittingBatch } from '../models/memory';

/**
 * The tuner and the measurements, on the session's data and plan: the learning-rate range test, the
 * batch-size finder, Auto, throughput benchmarks and the backend checks. Each works on a scratch model built
 * from the plan (the weights a run would start from) and disposes it: the held model is never touched.
 */
export class SessionTools {
  private stopRequested = false;

  constructor(private readonly session: Session) {}

  /** Asks a running range test, batch finder or Auto to end early. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Learning-rate range test on a scratch model from `config.seed`. */
  rangeTest(config: TrainConfig, onEvent: (e: TuneEvent) => void = () => {}): Promise<RangeTestResult> {
    return this.tuning(config.seed, (model, dataset) => this.runRangeTest(model, dataset, config, onEvent));
  }

  /** Batch-size finder on a scratch model from `config.seed`, trying sizes up to `maxBatch` (Auto's plan). */
  findBatchSize(config: TrainConfig, onEvent: (e: TuneEvent) => void = () => {}, maxBatch?: number): Promise<BatchDecision> {
    return this.tuning(config.seed, (model, dataset) => this.runBatchFinder(model, dataset, config, onEvent, maxBatch));
  }

  /**
   * Auto: a plan from the epoch budget (rounds, largest batch, optimizer) → batch-size finder → range test at
   * that size → `train` with the tuned settings (one-cycle rounds). Every step is reported through `onEvent`;
   * returns null when stopped before training.
   */
  async auto(base: TrainConfig, onEvent: (e: AutoEvent) => void, train: (config: TrainConfig) => Promise<TrainResult>): Promise<TrainResult | null> {
    const t0 = performance.now();
    const tuned = await this.tuning(base.seed, async (scratch, dataset) => {
      const plan = autoPlan(base, dataset.train.count);
      onEvent({ kind: 'tune-plan', plan });
      const overrides = { ...base, optimizer: plan.optimizer };
      const batch = await this.runBatchFinder(scratch, dataset, overrides, onEvent, plan.maxBatch);
      if (this.stopRequested) return null;
      // The range test starts again from the initial weights the run will have.
      const fresh = buildModel(this.session.models.requirePlan(), dataset.inputShape, base.seed);
      try {
        const lr = await this.runRangeTest(fresh, dataset, { ...overrides, batchSize: batch.chosen }, onEvent);
        if (this.stopRequested) return null;
        return autoConfig(base, plan, batch, lr, (performance.now() - t0) / 1000);
      } finally {
        fresh.dispose();
      }
    });
    if (!tuned) {
      onEvent({ kind: 'tune-cancelled' });
      return null;
    }
    onEvent({ kind: 'tune-config', config: tuned, seconds: tuned.tuning?.tunerSeconds ?? 0 });
    onEvent({ kind: 'tune-stage', stage: 'train' });
    return train(tuned);
  }

  private async runRangeTest(model: tf.LayersModel, dataset: Dataset, config: TrainConfig, onEvent: (e: TuneEvent) => void): Promise<RangeTestResult> {
    onEvent({ kind: 'tune-stage', stage: 'lr' });
    const options = { optimizer: config.optimizer, batchSize: config.batchSize, seed: config.seed, validationSplit: config.validationSplit };
    const result = await lrRangeTest(model, dataset, options, (point, _i, total) => onEvent({ kind: 'tune-lr-point', point, total }), () => this.stopRequested);
    if (!this.stopRequested) onEvent({ kind: 'tune-lr', result });
    return result;
  }

  private async runBatchFinder(model: tf.LayersModel, dataset: Dataset, config: TrainConfig, onEvent: (e: TuneEvent) => void, maxBatch?: number): Promise<BatchDecision> {
    onEvent({ kind: 'tune-stage', stage: 'batch' });
    // Sizes whose training memory the backend cannot give are not tried.
    const fitting = largestFittingBatch(this.session.models.requirePlan().layers, dataset.inputShape, tf.getBackend(), config.optimizer);
    const options = { optimizer: config.optimizer, learningRate: config.learningRate, seed: config.seed, validationSplit: config.validationSplit, maxBatch: Math.min(maxBatch ?? 4096, fitting) };
    const decision = await findBatchSize(model, dataset, options, (row) => onEvent({ kind: 'tune-batch-row', row }), () => this.stopRequested);
    if (!this.stopRequested) onEvent({ kind: 'tune-batch', decision });
    return decision;
  }

  /** Runs a tuning job as the session's job, on a scratch model of the plan that is disposed afterwards. */
  private tuning<T>(seed: number, job: (model: tf.LayersModel, dataset: Dataset) => Promise<T>): Promise<T> {
    const dataset = this.session.activeDataset;
    this.session.models.requirePlan();
    return this.session.withJob('tuning', async () => {
      this.stopRequested = false;
      // Tuning measures on the whole training set: a dataset still streaming in is waited for.
      await this.session.fullData();
      const scratch = this.session.models.scratch(dataset, seed);
      try {
        return await job(scratch, dataset);
      } finally {
        scratch.dispose();
      }
    });
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
   * Samples/s of a few real training steps of the plan on the active backend, within `budgetMs` (warm-up
   * included, so a backend with slow shader compilation scores low). No weights of the session are touched.
   */
  quickThroughput(budgetMs: number, batchSize = 32): Promise<number> {
    return quickThroughput(this.session.activeDataset, this.session.models.requirePlan(), batchSize, budgetMs);
  }

  /**
   * Loss of a fresh model of the plan (seed 1) on the first 256 training examples, on the active backend:
   * compared across backends to check a GPU backend's numerics against the CPU.
   */
  async lossOnFirstBatch(): Promise<number> {
    const dataset = this.session.activeDataset;
    const model = buildModel(this.session.models.requirePlan(), dataset.inputShape, 1);
    try {
      const n = Math.min(256, dataset.train.count);
      const ev = await evaluate(model, dataset, dataset.train, Uint32Array.from({ length: n }, (_, i) => i));
      return ev.loss;
    } finally {
      model.dispose();
    }
  }
}
