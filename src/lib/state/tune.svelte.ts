import type { AutoPlan } from '../engine/tune/auto';
import type { BatchDecision, BatchRow } from '../engine/tune/batch-finder';
import type { LrRule, RangeTestPoint, RangeTestResult } from '../engine/tune/lr-finder';

export type TuneStage = 'idle' | 'batch' | 'lr' | 'train' | 'done' | 'cancelled' | 'error';

/** What the tuner is doing and what it found, for the tuning panel. */
export class TuneState {
  stage = $state<TuneStage>('idle');
  lrPoints = $state.raw<RangeTestPoint[]>([]);
  lrTotal = $state(0);
  lrResult = $state.raw<RangeTestResult | null>(null);
  /** The rule (or 'manual' click) whose rate is applied. */
  lrRule = $state<LrRule | 'manual'>('valley');
  chosenLr = $state<number | null>(null);
  batchRows = $state.raw<BatchRow[]>([]);
  batchDecision = $state.raw<BatchDecision | null>(null);
  seconds = $state(0);
  /** Auto's plan (rounds, largest batch, optimizer), shown while it runs. */
  plan = $state.raw<AutoPlan | null>(null);
  cancelRequested = false;

  get isBusy(): boolean {
    return this.stage === 'batch' || this.stage === 'lr';
  }

  startLr(): void {
    this.lrPoints = [];
    this.lrResult = null;
    this.chosenLr = null;
    this.stage = 'lr';
  }

  startBatch(): void {
    this.batchRows = [];
    this.batchDecision = null;
    this.stage = 'batch';
  }

  addPoint(p: RangeTestPoint, total: number): void {
    this.lrPoints = [...this.lrPoints, p];
    this.lrTotal = total;
  }

  addRow(row: BatchRow): void {
    this.batchRows = [...this.batchRows, row];
  }
}
