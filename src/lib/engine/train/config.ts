import { engineMessage, type EngineMessage } from '../errors';
import type { LossName } from './losses';
import type { ScheduleSpec } from './schedules';

export type OptimizerName = 'sgd' | 'momentum' | 'rmsprop' | 'adam';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'rmsprop', 'adam'];

/** Hyper-parameters of one run: plain data, editable in the UI, stored with the run. */
export interface TrainConfig {
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Fraction of the training examples held out for validation, in [0, 1). */
  validationSplit: number;
  seed: number;
  /** Loss to minimise; by default the one that fits the dataset's task. */
  loss?: LossName;
  /** Learning-rate schedule (constant when absent). */
  schedule?: ScheduleSpec;
  /** What the tuner decided, when Auto chose these settings (recorded with the run and its export). */
  tuning?: TuningRecord;
  /** Early stopping on validation loss (off when absent). */
  earlyStopping?: EarlyStoppingConfig;
}

/** The tuner's decisions in plain words and numbers, as stored with a run. */
export interface TuningRecord {
  batch?: { chosen: number; noiseScale: number | null; reason: string; rows: { batchSize: number; samplesPerSec: number }[] };
  learningRate?: { rule: 'valley' | 'steepest' | 'edge' | 'cycle' | 'manual'; value: number; valley: number; steepest: number };
  schedule: ScheduleSpec['kind'];
  /** Epochs per one-cycle round (Auto's plan). */
  rounds?: number[];
  /** Peak learning rate of each round. */
  roundPeaks?: number[];
  /** Set when Auto changed the optimizer (plain SGD gets momentum for one-cycle to cycle). */
  optimizer?: { from: OptimizerName; to: OptimizerName };
  tunerSeconds: number;
}

/** Stop when the validation loss has not improved for `patience` epochs; optionally go back to the best weights. */
export interface EarlyStoppingConfig {
  patience: number;
  restoreBest: boolean;
}

/** The classic Keras MNIST settings. */
export const DEFAULT_CONFIG: TrainConfig = {
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: 32,
  epochs: 10,
  validationSplit: 0.1,
  seed: 42,
};

/** The range of one numeric setting: bounds (inclusive unless `minExclusive`), whole numbers or not, the form's step. */
export interface NumberLimit {
  min?: number;
  max?: number;
  /** `min` itself is not allowed (a learning rate of 0 trains nothing). */
  minExclusive?: boolean;
  integer: boolean;
  /** Step of the form's number field. */
  step: number | 'any';
}

/**
 * The limits of every numeric setting: `validateConfig` checks them and the hyper-parameter form takes
 * its min/max/step from them, so the page and the engine cannot disagree. The batch size is also capped
 * by the training examples (known only with the data).
 */
export const CONFIG_LIMITS = {
  learningRate: { min: 0, minExclusive: true, max: 10, integer: false, step: 'any' },
  batchSize: { min: 1, integer: true, step: 1 },
  epochs: { min: 1, max: 1000, integer: true, step: 1 },
  validationSplit: { min: 0, max: 0.5, integer: false, step: 0.05 },
  seed: { integer: true, step: 1 },
  patience: { min: 1, max: 1000, integer: true, step: 1 },
} as const satisfies Record<string, NumberLimit>;

/** Whether `value` is within `limit`. */
export function withinLimit(value: number, limit: NumberLimit): boolean {
  if (!Number.isFinite(value) || (limit.integer && !Number.isInteger(value))) return false;
  if (limit.min !== undefined && (limit.minExclusive ? !(value > limit.min) : !(value >= limit.min))) return false;
  return limit.max === undefined || value <= limit.max;
}

/** Returns a message per invalid field (empty when the config is valid). */
export function validateConfig(c: TrainConfig, trainCount: number): EngineMessage[] {
  const L = CONFIG_LIMITS;
  const errors: EngineMessage[] = [];
  if (!withinLimit(c.learningRate, L.learningRate)) errors.push(engineMessage('config.learningRate', { value: c.learningRate, min: L.learningRate.min, max: L.learningRate.max }));
  if (!withinLimit(c.batchSize, L.batchSize)) errors.push(engineMessage('config.batchSize', { value: c.batchSize }));
  else if (c.batchSize > trainCount) errors.push(engineMessage('config.batchTooLarge', { batch: c.batchSize, examples: trainCount }));
  if (!withinLimit(c.epochs, L.epochs)) errors.push(engineMessage('config.epochs', { value: c.epochs, min: L.epochs.min, max: L.epochs.max }));
  if (!withinLimit(c.validationSplit, L.validationSplit)) errors.push(engineMessage('config.validationSplit', { value: c.validationSplit, min: L.validationSplit.min, max: L.validationSplit.max }));
  if (!withinLimit(c.seed, L.seed)) errors.push(engineMessage('config.seed', { value: c.seed }));
  if (c.earlyStopping) {
    const p = c.earlyStopping.patience;
    if (!withinLimit(p, L.patience)) errors.push(engineMessage('config.patience', { value: p, min: L.patience.min, max: L.patience.max }));
    if (!(c.validationSplit > 0)) errors.push(engineMessage('config.earlyStoppingNeedsValidation', {}));
  }
  return errors;
}
