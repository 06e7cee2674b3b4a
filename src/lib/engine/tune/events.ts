import type { TrainConfig } from '../train/config';
import type { TrainEvent } from '../train/events';
import type { AutoPlan } from './auto';
import type { BatchDecision, BatchRow } from './batch-finder';
import type { RangeTestPoint, RangeTestResult } from './lr-finder';

/** What the tuner reports while it works, as plain data that crosses the worker boundary. */
export type TuneEvent =
  /** Auto's plan, settled before it measures anything. */
  | { kind: 'tune-plan'; plan: AutoPlan }
  /** A tuning stage starts: the batch-size finder, the range test, or (Auto) the training run. */
  | { kind: 'tune-stage'; stage: 'batch' | 'lr' | 'train' }
  | { kind: 'tune-batch-row'; row: BatchRow }
  | { kind: 'tune-batch'; decision: BatchDecision }
  | { kind: 'tune-lr-point'; point: RangeTestPoint; total: number }
  | { kind: 'tune-lr'; result: RangeTestResult }
  /** The settings Auto trains with (the page's form takes them), and the seconds it tuned. */
  | { kind: 'tune-config'; config: TrainConfig; seconds: number }
  /** The tuning ended early because the user stopped it. */
  | { kind: 'tune-cancelled' };

/** Auto's stream: its tuning events, then its run's training events. */
export type AutoEvent = TuneEvent | TrainEvent;
