import { ONE_CYCLE } from '../train/schedules';
import type { OptimizerName, TrainConfig } from '../train/config';

/**
 * What one contender of a race sets differently from the others. Everything else (seed, epochs, validation
 * split, loss) comes from the race's base settings, so only the named difference differs.
 */
export interface ContenderSettings {
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  schedule: 'constant' | 'one-cycle';
}

export type RacePresetId = 'optimizers' | 'learningRates' | 'batchSizes' | 'schedules';

export const RACE_PRESETS: readonly RacePresetId[] = ['optimizers', 'learningRates', 'batchSizes', 'schedules'];

/** A race has two to five contenders. */
export const RACE_LIMITS = { min: 2, max: 5 } as const;

/** Each optimizer's usual starting rate (Keras's defaults): what "SGD vs momentum vs Adam" compares. */
export const USUAL_RATE: Record<OptimizerName, number> = { sgd: 0.01, momentum: 0.01, rmsprop: 0.001, adam: 0.001 };

/** The largest learning rate the settings allow (CONFIG_LIMITS.learningRate.max). */
const MAX_RATE = 10;

function settingsOf(base: TrainConfig): ContenderSettings {
  return { optimizer: base.optimizer, learningRate: base.learningRate, batchSize: base.batchSize, schedule: base.schedule?.kind === 'one-cycle' ? 'one-cycle' : 'constant' };
}

/**
 * The contenders of a preset, from the hyper-parameter form's settings (`base`) and the number of training
 * examples (batch sizes above it are capped). Plain data: the page words each contender from what differs.
 */
export function presetContenders(preset: RacePresetId, base: TrainConfig, trainCount: number): ContenderSettings[] {
  const own = settingsOf(base);
  switch (preset) {
    case 'optimizers':
      return (['sgd', 'momentum', 'adam'] as const).map((optimizer) => ({ ...own, optimizer, learningRate: USUAL_RATE[optimizer], schedule: 'constant' }));
    case 'learningRates': {
      // Too small: a hundredth of the form's rate; too large: a thousand times it (Adam 0.001 → 1), which blows up.
      const rate = base.learningRate;
      return [rate / 100, rate, Math.min(MAX_RATE, rate * 1000)].map((learningRate) => ({ ...own, learningRate: +learningRate.toPrecision(3) }));
    }
    case 'batchSizes': {
      const sizes = [...new Set([8, 32, 256].map((b) => Math.max(1, Math.min(b, trainCount))))];
      return sizes.map((batchSize) => ({ ...own, batchSize }));
    }
    case 'schedules':
      return (['constant', 'one-cycle'] as const).map((schedule) => ({ ...own, schedule }));
  }
}

/** The run configuration of a contender: the base settings with the contender's own. */
export function contenderConfig(base: TrainConfig, c: ContenderSettings): TrainConfig {
  // Early stopping would end contenders at different epochs for a reason the race does not show; the tuner's record is not theirs.
  const { earlyStopping: _e, tuning: _t, schedule: _s, ...rest } = base;
  return { ...rest, optimizer: c.optimizer, learningRate: c.learningRate, batchSize: c.batchSize, ...(c.schedule === 'one-cycle' ? { schedule: ONE_CYCLE } : {}) };
}

export type ContenderField = keyof ContenderSettings;

/** The settings that are not the same for every contender (what their labels name), in a fixed order. */
export function differingFields(contenders: readonly ContenderSettings[]): ContenderField[] {
  const fields: ContenderField[] = ['optimizer', 'learningRate', 'batchSize', 'schedule'];
  return fields.filter((f) => contenders.some((c) => c[f] !== contenders[0][f]));
}
