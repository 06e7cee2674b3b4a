import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { profileTable } from '../../src/lib/engine/data/csv-profile';
import { buildTabular } from '../../src/lib/engine/data/tabular';
import { Session } from '../../src/lib/engine/session';
import { classificationReport, regressionReport } from '../../src/lib/engine/train/report';
import { DATA_DIR, loadMnist, slice } from './helpers';

describe('dataset previews', () => {
  it('images get an image grid, tables their column statistics, 2-D data a scatter plot', async () => {
    const session = new Session();
    const mnist = session.setDataset(slice(await loadMnist(), 100, 20));
    expect(mnist.preview).toMatchObject({ kind: 'images', width: 28, height: 28, channels: 1 });
    if (mnist.preview.kind === 'images') expect(mnist.preview.pixels.length).toBe(32 * 784);
    expect(mnist.testClassCounts.reduce((a, b) => a + b, 0)).toBe(20);

    const table = parseCsv(readFileSync(resolve(DATA_DIR, 'tabular', 'diabetes.csv')), 'diabetes.csv');
    const profile = profileTable(table);
    const opts = { target: 10, task: 'regression' as const, kinds: profile.columns.map((c) => c.kind), missing: 'drop' as const, testFraction: 0.2, splitSeed: 1, validationSplit: 0.1, trainSeed: 2 };
    const diabetes = session.setDataset(buildTabular(table, profile, opts).dataset);
    expect(diabetes.preview.kind).toBe('table');
    if (diabetes.preview.kind === 'table') {
      expect(diabetes.preview.columns.map((c) => c.role)).toEqual([...new Array(10).fill('numeric'), 'target']);
      expect(diabetes.preview.columns[0]).toMatchObject({ name: 'age', min: 19, max: 79, missing: 0 });
    }
    // The target histogram is in the target's own units (25..346), not standardised.
    expect(diabetes.targetHistogram!.counts.reduce((a, b) => a + b, 0)).toBe(diabetes.trainCount);
    expect(diabetes.targetHistogram!.edges[0]).toBeGreaterThanOrEqual(25);
    expect(diabetes.targetHistogram!.edges.at(-1)).toBeLessThanOrEqual(346.001);
    expect(diabetes.preprocessing?.featureNames).toHaveLength(10);

    const spiral = session.loadSynthetic({ kind: 'spiral', count: 100, noise: 0.1, seed: 1, classes: 3 });
    expect(spiral.preview).toMatchObject({ kind: 'scatter', xLabel: 'x₁', yLabel: 'x₂' });
    if (spiral.preview.kind === 'scatter') expect(new Set(spiral.preview.value)).toEqual(new Set([0, 1, 2]));
  });
});

describe('evaluation report', () => {
  it('counts a confusion matrix and per-class precision and recall', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const predicted = Uint8Array.from([0, 0, 1, 1, 1, 1]);
    const conf = Float32Array.from([0.9, 0.8, 0.95, 0.7, 0.6, 0.55]);
    const r = classificationReport(labels, predicted, conf, 3);
    expect(r.confusion).toEqual([2, 1, 0, 0, 2, 0, 0, 1, 0]);
    expect(r.precision[0]).toBe(1);
    expect(r.precision[1]).toBeCloseTo(0.5);
    expect(r.precision[2]).toBeNaN();
    expect(r.recall).toEqual([2 / 3, 1, 0]);
    expect(r.support).toEqual([3, 2, 1]);
    expect(r.worst).toEqual([2, 5]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
  });

  it('R², RMSE and MAE, worst errors first', () => {
    const r = regressionReport(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 2, 3, 6]));
    expect(r.rmse).toBeCloseTo(1);
    expect(r.mae).toBeCloseTo(0.5);
    expect(r.r2).toBeCloseTo(1 - 4 / 5);
    expect(r.worst[0]).toBe(3);
  });
});
