import * as Comlink from 'comlink';
import { autoConfig, autoPlan, roundRate } from '../engine/tune/auto';
import type { TrainConfig } from '../engine/train/config';
import type { BatchRow } from '../engine/tune/batch-finder';
import type { LrRule, RangeTestPoint } from '../engine/tune/lr-finder';
import type { AppState } from './app.svelte';
import { errorMessage } from './errors';

/**
 * The tuner's commands: the learning-rate range test, the batch-size finder and Auto, which chains them
 * and trains with one-cycle. They drive the worker and fill `app.tune` (what the tuning panel shows).
 */
export class TuneCommands {
  constructor(private readonly app: AppState) {}

  private get tune() {
    return this.app.tune;
  }

  /** Runs the learning-rate range test at the current settings (with `overrides`) and applies its suggestion. */
  async findLearningRate(overrides: Partial<TrainConfig> = {}): Promise<boolean> {
    if (!this.app.ready || this.app.run.isActive || this.tune.isBusy) return false;
    await this.app.engine.beforeHeavyWork();
    this.tune.cancelRequested = false;
    this.tune.startLr();
    const onPoint = Comlink.proxy((p: RangeTestPoint, _i: number, total: number) => this.tune.addPoint(p, total));
    try {
      const result = await this.app.api.rangeTest({ ...$state.snapshot(this.app.settings), ...overrides }, onPoint);
      this.tune.lrResult = result;
      if (this.tune.cancelRequested) return this.cancelled();
      this.applyLearningRate(result.applied, result.suggestedLr);
      this.tune.stage = 'done';
      return true;
    } catch (err) {
      return this.tuneFailed(err);
    } finally {
      this.app.engine.resumeMeasurementSoon();
    }
  }

  /** Sets the learning rate from a rule of the range test or a click on its curve. */
  applyLearningRate(rule: LrRule | 'manual', lr: number): void {
    const rounded = roundRate(lr);
    this.app.settings.learningRate = rounded;
    this.tune.lrRule = rule;
    this.tune.chosenLr = rounded;
  }

  /** Measures batch sizes (up to `maxBatch`) and applies the one with the least predicted time to target. */
  async findBatchSize(overrides: Partial<TrainConfig> = {}, maxBatch?: number): Promise<boolean> {
    if (!this.app.ready || this.app.run.isActive || this.tune.isBusy) return false;
    await this.app.engine.beforeHeavyWork();
    if (maxBatch === undefined) this.tune.plan = null;
    this.tune.cancelRequested = false;
    this.tune.startBatch();
    const onRow = Comlink.proxy((row: BatchRow) => this.tune.addRow(row));
    try {
      const decision = await this.app.api.findBatchSize({ ...$state.snapshot(this.app.settings), ...overrides }, onRow, maxBatch);
      if (this.tune.cancelRequested) return this.cancelled();
      this.tune.batchDecision = decision;
      this.app.settings.batchSize = decision.chosen;
      this.tune.stage = 'done';
      return true;
    } catch (err) {
      return this.tuneFailed(err);
    } finally {
      this.app.engine.resumeMeasurementSoon();
    }
  }

  /**
   * Auto: a plan from the epoch budget (rounds, largest batch, optimizer) → batch-size finder → learning-rate
   * range test at that size → training with one-cycle rounds.
   */
  async auto(): Promise<void> {
    const dataset = this.app.dataset;
    if (!dataset || !this.app.ready || this.app.run.isActive || this.tune.isBusy) return;
    const t0 = performance.now();
    const plan = autoPlan($state.snapshot(this.app.settings), dataset.trainCount);
    this.tune.plan = plan;
    const overrides = { optimizer: plan.optimizer };
    if (!(await this.findBatchSize(overrides, plan.maxBatch))) return;
    if (!(await this.findLearningRate(overrides))) return;
    this.applyLearningRate('cycle', this.tune.lrResult!.cyclePeak.lr);
    this.tune.seconds = (performance.now() - t0) / 1000;
    const tuned = autoConfig($state.snapshot(this.app.settings), plan, this.tune.batchDecision!, this.tune.lrResult!, this.tune.seconds, this.tune.lrRule, this.app.settings.learningRate);
    this.app.settings.optimizer = tuned.optimizer;
    this.app.settings.schedule = tuned.schedule;
    this.tune.stage = 'train';
    await this.app.train({ tuning: tuned.tuning });
    this.tune.stage = this.app.run.status === 'done' ? 'done' : 'cancelled';
  }

  /** After a divergence: the same run at a tenth of the rate. */
  async retryLower(): Promise<void> {
    this.app.settings.learningRate = roundRate(this.app.settings.learningRate / 10);
    await this.app.train();
  }

  private cancelled(): false {
    this.tune.stage = 'cancelled';
    return false;
  }

  private tuneFailed(err: unknown): false {
    this.tune.stage = 'error';
    this.app.notify('error', errorMessage(err));
    return false;
  }
}

