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

/** Returns a message per invalid field (empty when the config is valid). */
export function validateConfig(c: TrainConfig, trainCount: number): string[] {
  const errors: string[] = [];
  if (!(c.learningRate > 0 && c.learningRate <= 10)) errors.push(`learning rate must be in (0, 10], got ${c.learningRate}`);
  if (!(Number.isInteger(c.batchSize) && c.batchSize >= 1)) errors.push(`batch size must be a positive integer, got ${c.batchSize}`);
  else if (c.batchSize > trainCount) errors.push(`batch size ${c.batchSize} is larger than the ${trainCount} training examples`);
  if (!(Number.isInteger(c.epochs) && c.epochs >= 1 && c.epochs <= 1000)) errors.push(`epochs must be an integer from 1 to 1000, got ${c.epochs}`);
  if (!(c.validationSplit >= 0 && c.validationSplit <= 0.5)) errors.push(`validation split must be in [0, 0.5], got ${c.validationSplit}`);
  if (!Number.isInteger(c.seed)) errors.push(`seed must be an integer, got ${c.seed}`);
  if (c.earlyStopping) {
    const p = c.earlyStopping.patience;
    if (!(Number.isInteger(p) && p >= 1 && p <= 1000)) errors.push(`early-stopping patience must be an integer from 1 to 1000, got ${p}`);
    if (!(c.validationSplit > 0)) errors.push('early stopping watches the validation loss: set a validation split above 0');
  }
  return errors;
}
