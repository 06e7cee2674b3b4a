import * as Comlink from 'comlink';
import { roundRate } from '../engine/tune/auto';
import type { TuneEvent } from '../engine/tune/events';
import type { LrRule } from '../engine/tune/lr-finder';
import type { AppState } from './app.svelte';

/**
 * The tuner's commands: the learning-rate range test, the batch-size finder and Auto (one worker call that
 * tunes and trains). The worker tunes on scratch copies of the model, never on the trained one; its events
 * fill `app.tune` (the tuning panel), and what it decides goes into the settings form.
 */
export class TuneCommands {
  constructor(private readonly app: AppState) {}

  private get tune() {
    return this.app.tune;
  }

  /** Applies a tuning event: the panel's curves, and the decisions into the settings form. */
  apply(event: TuneEvent): void {
    this.tune.apply(event);
    if (event.kind === 'tune-config') {
      const tuned = event.config;
      this.tune.lrRule = 'cycle';
      this.tune.chosenLr = tuned.learningRate;
      Object.assign(this.app.settings, { optimizer: tuned.optimizer, batchSize: tuned.batchSize, learningRate: tuned.learningRate, schedule: tuned.schedule });
      this.app.startRunView(tuned);
    }
  }

  /** Runs the learning-rate range test at the current settings and applies its suggestion. */
  async findLearningRate(): Promise<boolean> {
    return this.job(async (onEvent) => {
      const result = await this.app.api.tune.rangeTest({ config: $state.snapshot(this.app.settings) }, onEvent);
      if (this.tune.cancelRequested) return false;
      this.applyLearningRate(result.applied, result.suggestedLr);
      return true;
    });
  }

  /** Sets the learning rate from a rule of the range test or a click on its curve. */
  applyLearningRate(rule: LrRule | 'manual', lr: number): void {
    if (this.app.settingsLocked) return;
    const rounded = roundRate(lr);
    this.app.settings.learningRate = rounded;
    this.tune.lrRule = rule;
    this.tune.chosenLr = rounded;
  }

  /** Measures batch sizes and applies the one with the least predicted time to target. */
  async findBatchSize(): Promise<boolean> {
    return this.job(async (onEvent) => {
      const decision = await this.app.api.tune.findBatchSize({ config: $state.snapshot(this.app.settings) }, onEvent);
      if (this.tune.cancelRequested) return false;
      this.app.settings.batchSize = decision.chosen;
      return true;
    });
  }

  /** Auto: plan → batch finder → range test → training with one-cycle rounds, all in the worker. */
  auto(): Promise<void> {
    return this.app.auto();
  }

  /** After a divergence: the same run at a tenth of the rate. */
  async retryLower(): Promise<void> {
    this.app.settings.learningRate = roundRate(this.app.settings.learningRate / 10);
    await this.app.train();
  }

  private async job(work: (onEvent: (e: TuneEvent) => void) => Promise<boolean>): Promise<boolean> {
    if (!this.app.ready || this.app.run.isActive) return false;
    await this.app.beforeWork();
    this.tune.begin();
    const onEvent = Comlink.proxy((e: TuneEvent) => this.apply(e));
    try {
      const ok = await work(onEvent);
      this.tune.stage = ok ? 'done' : 'cancelled';
      return ok;
    } catch (err) {
      this.tune.stage = 'error';
      this.app.fail(err);
      return false;
    } finally {
      this.app.engine.resumeMeasurementSoon();
    }
  }
}
