import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/lib/engine/data/csv';
import { profileTable } from '../../src/lib/engine/data/csv-profile';
import type { Dataset } from '../../src/lib/engine/data/dataset';
import { buildTabular } from '../../src/lib/engine/data/tabular';
import { registerConv2dBackpropFilter } from '../../src/lib/engine/kernels/conv2d-backprop-filter';
import { makePreset, type PresetId } from '../../src/lib/engine/models/presets';
import { Session } from '../../src/lib/engine/session';
import { DEFAULT_CONFIG } from '../../src/lib/engine/train/config';
import type { TrainEvent } from '../../src/lib/engine/train/events';
import { DATA_DIR, loadMnist, slice, useCpu } from './helpers';
import { rejectedWords, words } from './worded';

beforeAll(useCpu);

function table(name: string, task: 'classification' | 'regression'): Dataset {
  const t = parseCsv(readFileSync(resolve(DATA_DIR, 'tabular', name)), name);
  const p = profileTable(t);
  return buildTabular(t, p, { target: p.suggestedTarget, task, kinds: p.columns.map((c) => c.kind), missing: 'drop', testFraction: 0.2, splitSeed: 1, validationSplit: 0, trainSeed: 5 }).dataset;
}

/** Trains `steps` batches of a preset and returns the per-step losses. */
async function trainPreset(session: Session, data: Dataset, id: PresetId, batchSize: number, epochs: number, learningRate = 0.001): Promise<number[]> {
  session.setDataset(data);
  session.setModel(makePreset(id, data, id), 7);
  const losses: number[] = [];
  await session.train({ ...DEFAULT_CONFIG, batchSize, epochs, validationSplit: 0, learningRate, seed: 7 }, (e: TrainEvent) => {
    if (e.kind === 'steps') losses.push(...e.loss);
  });
  return losses;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('presets build and train', () => {
  it('the MLPs and both CNNs take a few steps on MNIST (WASM backend, as in the app), the loss falls, and no tensors leak', async () => {
    registerConv2dBackpropFilter();
    await tf.setBackend('wasm');
    const mnist = slice(await loadMnist(), 320, 64);
    const session = new Session();
    for (const id of ['classicMlp', 'deepMlp', 'lenet', 'fashionCnn'] as const) {
      const losses = await trainPreset(session, mnist, id, 32, 1, 0.003);
      expect(losses).toHaveLength(10);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(mean(losses.slice(-3)), id).toBeLessThan(mean(losses.slice(0, 3)));
      const before = tf.memory().numTensors;
      await session.train({ ...DEFAULT_CONFIG, batchSize: 32, epochs: 1, validationSplit: 0, seed: 7 }, () => {});
      expect(tf.memory().numTensors, id).toBe(before);
    }
    await tf.setBackend('cpu');
  });

  it('logistic regression classifies iris and the report has a confusion matrix and per-class scores', async () => {
    const session = new Session();
    await trainPreset(session, table('iris.csv', 'classification'), 'logistic', 8, 60, 0.05);
    const ev = await session.evaluateTest();
    expect(ev.accuracy).toBeGreaterThan(0.85);
    const report = session.testReport();
    if (report.kind !== 'classification') throw new Error('expected a classification report');
    expect(report.confusion).toHaveLength(9);
    expect(report.confusion.reduce((a, b) => a + b, 0)).toBe(30);
    expect(report.support).toEqual([10, 10, 10]);
    expect(report.accuracy).toBeCloseTo(ev.accuracy, 6);
    expect(report.recall.every((r) => r >= 0 && r <= 1)).toBe(true);
    // The worst mistakes are wrong predictions, most confident first.
    for (const i of report.worst) expect(report.predicted[i]).not.toBe(report.labels[i]);
    const conf = report.worst.map((i) => report.confidence[i]);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    expect(session.getTestRowText([0])[0].split(', ')).toHaveLength(5);
  });

  it('linear regression on diabetes explains part of the variance, reported in original units', async () => {
    const session = new Session();
    await trainPreset(session, table('diabetes.csv', 'regression'), 'linear', 16, 60, 0.01);
    await session.evaluateTest();
    const report = session.testReport();
    if (report.kind !== 'regression') throw new Error('expected a regression report');
    expect(report.count).toBe(88);
    expect(report.r2).toBeGreaterThan(0.3);
    expect(report.rmse).toBeGreaterThan(30);
    expect(report.rmse).toBeLessThan(70);
    expect(Math.min(...report.actual)).toBeGreaterThanOrEqual(25);
  });

  it('Session refuses a model that does not fit the data before building it, naming the layer', async () => {
    const session = new Session();
    session.setDataset(table('iris.csv', 'classification'));
    expect(words(() => session.setModel({ name: 'x', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }] }, 1))).toContain(
      'Layer 1 (Conv2D) needs an image input [height, width, channels] but gets [4].',
    );
    session.setModel(makePreset('classicMlp', { inputShape: [4], task: 'classification', numClasses: 3 }, 'mlp'), 1);
    expect(await rejectedWords(session.train({ ...DEFAULT_CONFIG, loss: 'meanSquaredError', epochs: 1 }, () => {}))).toContain('The loss “Mean squared error” does not fit a classification task');
  });
});
