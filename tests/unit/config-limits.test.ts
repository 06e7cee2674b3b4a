import { describe, expect, it } from 'vitest';
import { CONFIG_LIMITS, DEFAULT_CONFIG, validateConfig, withinLimit, type TrainConfig } from '../../src/lib/engine/train/config';

const valid = (c: Partial<TrainConfig>) => validateConfig({ ...DEFAULT_CONFIG, ...c }, 1000);

describe('one table of setting limits', () => {
  it('validateConfig accepts each bound of the table and refuses just past it', () => {
    const L = CONFIG_LIMITS;
    expect(valid({ learningRate: L.learningRate.max })).toEqual([]);
    expect(valid({ learningRate: L.learningRate.max * 1.001 })).toHaveLength(1);
    // The rate's lower bound is exclusive.
    expect(valid({ learningRate: L.learningRate.min })).toEqual([`learning rate must be in (0, 10], got 0`]);
    expect(valid({ learningRate: 1e-9 })).toEqual([]);
    expect(valid({ epochs: L.epochs.min })).toEqual([]);
    expect(valid({ epochs: L.epochs.max })).toEqual([]);
    expect(valid({ epochs: L.epochs.max + 1 })).toEqual(['epochs must be an integer from 1 to 1000, got 1001']);
    expect(valid({ epochs: 2.5 })).toHaveLength(1);
    expect(valid({ validationSplit: L.validationSplit.max })).toEqual([]);
    expect(valid({ validationSplit: L.validationSplit.max + 0.01 })).toEqual(['validation split must be in [0, 0.5], got 0.51']);
    expect(valid({ batchSize: L.batchSize.min })).toEqual([]);
    expect(valid({ batchSize: 0 })).toEqual(['batch size must be a positive integer, got 0']);
    expect(valid({ batchSize: 1001 })).toEqual(['batch size 1001 is larger than the 1000 training examples']);
    expect(valid({ seed: 1.5 })).toEqual(['seed must be an integer, got 1.5']);
    expect(valid({ earlyStopping: { patience: L.patience.max, restoreBest: true } })).toEqual([]);
    expect(valid({ earlyStopping: { patience: 0, restoreBest: true } })).toEqual(['early-stopping patience must be an integer from 1 to 1000, got 0']);
  });

  it('withinLimit: bounds, exclusive minimum, whole numbers, non-finite values', () => {
    expect(withinLimit(5, { min: 1, max: 5, integer: true, step: 1 })).toBe(true);
    expect(withinLimit(0, { min: 0, minExclusive: true, integer: false, step: 'any' })).toBe(false);
    expect(withinLimit(-3, { integer: true, step: 1 })).toBe(true);
    expect(withinLimit(NaN, { integer: false, step: 'any' })).toBe(false);
    expect(withinLimit(Infinity, { min: 0, integer: false, step: 'any' })).toBe(false);
  });
});
