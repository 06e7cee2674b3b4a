import type { AutoPlan } from '../engine/tune/auto';
import type { BatchDecision, BatchRow } from '../engine/tune/batch-finder';
import type { TuneEvent } from '../engine/tune/events';
import type { LrRule, RangeTestPoint, RangeTestResult } from '../engine/tune/lr-finder';

export type TuneStage = 'idle' | 'batch' | 'lr' | 'train' | 'done' | 'cancelled' | 'error';

/** What the tuner is doing and what it found, for the tuning panel: filled from the worker's tuning events. */
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

  /** A tuning job starts: the panel forgets the last one's curves. */
  begin(): void {
    this.plan = null;
    this.cancelRequested = false;
    this.lrPoints = [];
    this.lrResult = null;
    this.chosenLr = null;
    this.batchRows = [];
    this.batchDecision = null;
  }

  /** Applies one event of the worker's tuner (as RunState applies training events). */
  apply(event: TuneEvent): void {
    switch (event.kind) {
      case 'tune-plan':
        this.plan = event.plan;
        break;
      case 'tune-stage':
        this.stage = event.stage;
        if (event.stage === 'lr') {
          this.lrPoints = [];
          this.lrResult = null;
          this.chosenLr = null;
        } else if (event.stage === 'batch') {
          this.batchRows = [];
          this.batchDecision = null;
        }
        break;
      case 'tune-batch-row':
        this.batchRows = [...this.batchRows, event.row];
        break;
      case 'tune-batch':
        this.batchDecision = event.decision;
        break;
      case 'tune-lr-point':
        this.lrPoints = [...this.lrPoints, event.point];
        this.lrTotal = event.total;
        break;
      case 'tune-lr':
        this.lrResult = event.result;
        break;
      case 'tune-config':
        this.seconds = event.seconds;
        break;
      case 'tune-cancelled':
        this.stage = 'cancelled';
        break;
    }
  }
}
