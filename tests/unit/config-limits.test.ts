import { describe, expect, it } from 'vitest';
import { CONFIG_LIMITS, DEFAULT_CONFIG, validateConfig, withinLimit, type TrainConfig } from '../../src/lib/engine/train/config';

/** The codes of what validateConfig refuses (empty when valid). */
const valid = (c: Partial<TrainConfig>) => validateConfig({ ...DEFAULT_CONFIG, ...c }, 1000).map((m) => m.code);

describe('one table of setting limits', () => {
  it('validateConfig accepts each bound of the table and refuses just past it', () => {
    const L = CONFIG_LIMITS;
    expect(valid({ learningRate: L.learningRate.max })).toEqual([]);
    expect(valid({ learningRate: L.learningRate.max * 1.001 })).toHaveLength(1);
    // The rate's lower bound is exclusive.
    expect(valid({ learningRate: L.learningRate.min })).toEqual(['config.learningRate']);
    expect(valid({ learningRate: 1e-9 })).toEqual([]);
    expect(valid({ epochs: L.epochs.min })).toEqual([]);
    expect(valid({ epochs: L.epochs.max })).toEqual([]);
    expect(valid({ epochs: L.epochs.max + 1 })).toEqual(['config.epochs']);
    expect(valid({ epochs: 2.5 })).toHaveLength(1);
    expect(valid({ validationSplit: L.validationSplit.max })).toEqual([]);
    expect(valid({ validationSplit: L.validationSplit.max + 0.01 })).toEqual(['config.validationSplit']);
    expect(valid({ batchSize: L.batchSize.min })).toEqual([]);
    expect(valid({ batchSize: 0 })).toEqual(['config.batchSize']);
    expect(valid({ batchSize: 1001 })).toEqual(['config.batchTooLarge']);
    expect(valid({ seed: 1.5 })).toEqual(['config.seed']);
    expect(valid({ earlyStopping: { patience: L.patience.max, restoreBest: true } })).toEqual([]);
    expect(valid({ earlyStopping: { patience: 0, restoreBest: true } })).toEqual(['config.patience']);
    // The messages carry the table's bounds, so the page words them with the same numbers.
    expect(validateConfig({ ...DEFAULT_CONFIG, epochs: 0 }, 1000)[0].params).toEqual({ value: 0, min: L.epochs.min, max: L.epochs.max });
  });

  it('withinLimit: bounds, exclusive minimum, whole numbers, non-finite values', () => {
    expect(withinLimit(5, { min: 1, max: 5, integer: true, step: 1 })).toBe(true);
    expect(withinLimit(0, { min: 0, minExclusive: true, integer: false, step: 'any' })).toBe(false);
    expect(withinLimit(-3, { integer: true, step: 1 })).toBe(true);
    expect(withinLimit(NaN, { integer: false, step: 'any' })).toBe(false);
    expect(withinLimit(Infinity, { min: 0, integer: false, step: 'any' })).toBe(false);
  });
});
