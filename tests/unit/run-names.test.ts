import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/lib/engine/runs/record';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import { formatBytes } from '../../src/lib/i18n/bytes';
import { configRunName, runDifferences } from '../../src/lib/state/run-names';

const record = (id: string, config: Partial<RunRecord['config']>, dataset = 'MNIST'): RunRecord =>
  ({ id, name: id, dataset: { name: dataset }, model: { name: 'Classic MLP', layers: [] }, config: { ...DEFAULT_CONFIG, ...config } }) as unknown as RunRecord;

describe('run names and storage sizes', () => {
  it('names a new run by its settings', () => {
    expect(configRunName(DEFAULT_CONFIG)).toBe('Adam 0.001 · batch 32 · 10 ep');
    expect(configRunName({ ...DEFAULT_CONFIG, optimizer: 'sgd', learningRate: 0.030000000000000002, schedule: { kind: 'one-cycle', pctStart: 0.25, divFactor: 25, finalDivFactor: 1e4 } })).toBe('SGD 0.03 · batch 32 · 10 ep · one-cycle');
  });

  it('tells listed runs apart by only what differs among them', () => {
    const runs = [record('a', {}), record('b', { learningRate: 0.01 }), record('c', { learningRate: 0.01, batchSize: 64 })];
    const d = runDifferences(runs);
    expect(d.get('a')).toBe('Adam 0.001 · Batch size 32');
    expect(d.get('c')).toBe('Adam 0.01 · Batch size 64');
    expect(runDifferences([record('a', {})]).get('a')).toBe('');
  });

  it('shows bytes in the unit that reads best, in the locale’s format', () => {
    expect(formatBytes(10_737_418_240, 'en')).toBe('10.7 GB');
    expect(formatBytes(407_100, 'en')).toBe('407.1 kB');
    expect(formatBytes(5_250_000, 'en')).toBe('5.3 MB');
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1_500_000, 'de')).toBe('1,5 MB');
  });
});
